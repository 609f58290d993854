// The upload of a file's parts: at most `concurrency` parts in flight, each read from disk
// (and checked against its hash, or hashed: see stream-upload.ts), declared to the Admin API
// (which answers a presigned URL), then PUT there. Each part retries on its own by the part
// retry policy; the first failure a retry cannot fix stops every part at once. Runs in the
// worker thread.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  PeridioClient,
  isPeridioError,
  loadExtraCaCertificates,
  partRetryDelayMs,
  putVerdict,
  trustedCertificates,
} from '../peridio/index.js';
import { partChecksumHeader } from './part-checksum.js';
import { threadAgents, type NetworkAgents, type SystemProxyAsker } from '../network/index.js';
import { putPart } from './part-put.js';
import { checkUnchanged, readPart } from './part-read.js';
import { PartAttempts } from './part-retry.js';
import type { SharedRateLimit } from './shared-rate-limit.js';
import type { HashedPart, PartRetryNotice, PlannedPart, UploadTask } from './types.js';
import { UploadError, abortedError } from './upload-error.js';
import { resolveUploadTask, type ResolvedTransfer } from './upload-task.js';

export interface UploadCallbacks {
  signal: AbortSignal;
  /** Bytes of the file that are on the server or on their way (unthrottled). */
  onProgress?: (bytesDone: number) => void;
  /** A part's PUT was answered 200/201. */
  onPartDone?: (part: HashedPart) => void;
  onRetry?: (notice: PartRetryNotice) => void;
  /** The engine's bandwidth cap, shared by every part PUT of every worker. */
  rateLimit?: SharedRateLimit;
  /** The system's proxy for a storage origin the connection's plan has no answer for. */
  askSystemProxy?: SystemProxyAsker;
}

/** Why an attempt failed, when trying again may help. */
interface AttemptFailure {
  reason: PartRetryNotice['reason'];
  message: string;
  renewUrl: boolean;
  bytesSent: number;
  status?: number;
  requestId?: string | undefined;
  retryAfter?: string | undefined;
}

/** What every part of one upload shares. */
interface Transfer {
  task: ResolvedTransfer;
  client: PeridioClient;
  agents: NetworkAgents;
  signal: AbortSignal;
  callbacks: UploadCallbacks;
  /** Parts finished so far: a change means the link works, so other parts' counts reset. */
  finished: number;
  bytesFinished: number;
  bytesInFlight: Map<number, number>;
}

function reportProgress(transfer: Transfer): void {
  let inFlight = 0;
  for (const bytes of transfer.bytesInFlight.values()) inFlight += bytes;
  transfer.callbacks.onProgress?.(transfer.bytesFinished + inFlight);
}

function partDetails(transfer: Transfer, part: HashedPart, extra: Record<string, unknown> = {}) {
  return {
    path: transfer.task.file.path,
    binaryPrn: transfer.task.binaryPrn,
    partIndex: part.index,
    ...extra,
  };
}

/** An Admin API failure: an AttemptFailure when it may pass by itself, else thrown. */
function apiFailure(transfer: Transfer, part: HashedPart, error: unknown): AttemptFailure {
  if (!isPeridioError(error)) throw error;
  const common = { renewUrl: true, bytesSent: 0, requestId: error.requestId };
  switch (error.code) {
    case 'aborted':
      throw abortedError('The upload');
    case 'network':
      // The transport's own words ("connect ECONNREFUSED …"): the part's message already says
      // which part and file, and that the network is not getting through.
      return {
        ...common,
        reason: 'api_unavailable',
        message: error.cause instanceof Error ? error.cause.message : error.message,
      };
    case 'timeout':
      return { ...common, reason: 'api_unavailable', message: error.message };
    case 'rate_limited':
    case 'server_error':
      return { ...common, reason: 'api_unavailable', message: error.message, status: error.status };
    default:
      throw new UploadError('server_refused', error.message, {
        retryable: false,
        details: partDetails(transfer, part, {
          status: error.status,
          requestId: error.requestId,
          serverMessages: error.fieldMessages,
        }),
        cause: error,
      });
  }
}

/** The error once a part has used up its attempts. */
function exhausted(
  transfer: Transfer,
  part: HashedPart,
  failure: AttemptFailure,
  attempts: number,
) {
  const details = partDetails(transfer, part, {
    attempts,
    lastError: failure.message,
    status: failure.status,
    requestId: failure.requestId,
  });
  const what = `Part ${part.index} of "${transfer.task.file.path}" failed ${attempts} times in a row`;
  if (failure.reason === 'url_expired') {
    return new UploadError(
      'part_rejected',
      `${what}: every new upload URL the server gave had expired before it was used ` +
        `(${failure.message}). Check that this computer's clock is right; if it is, the ` +
        "server's clock or its URL lifetime is wrong.",
      { retryable: false, details },
    );
  }
  if (failure.reason === 'url_refused') {
    return new UploadError(
      'part_rejected',
      `${what}; the storage server keeps refusing it (${failure.message}).`,
      { retryable: false, details },
    );
  }
  if (failure.status !== undefined) {
    return new UploadError(
      'server_refused',
      `${what}; the server is in trouble (${failure.message}). It will be tried again later.`,
      { retryable: true, details },
    );
  }
  return new UploadError(
    'network',
    `${what}; the network is not getting through (${failure.message}). It will be tried again ` +
      'when the connection works.',
    { retryable: true, details },
  );
}

/** One try: declare the part if it has no URL yet, then PUT it. Undefined means done. */
async function attemptPart(
  transfer: Transfer,
  part: HashedPart,
  bytes: Buffer,
  url: { current: string | undefined },
): Promise<AttemptFailure | undefined> {
  const { task, signal } = transfer;
  try {
    url.current ??= (
      await transfer.client.binaryParts.create(
        task.binaryPrn,
        part.index,
        { expected_binary_size: task.file.size, hash: part.sha256, size: part.size },
        { signal },
      )
    ).presigned_upload_url;
  } catch (error) {
    return apiFailure(transfer, part, error);
  }
  const outcome = await putPart({
    url: url.current,
    body: bytes,
    checksum: partChecksumHeader(part.sha256),
    stallTimeoutMs: task.stallTimeoutMs,
    agents: transfer.agents,
    signal,
    rateLimit: transfer.callbacks.rateLimit,
    onBytesSent: (sent) => {
      transfer.bytesInFlight.set(part.index, sent);
      reportProgress(transfer);
    },
  });
  transfer.bytesInFlight.delete(part.index);
  if (outcome.kind === 'aborted') throw abortedError('The upload');
  if (outcome.kind === 'failed') {
    if (outcome.reason === 'tls') {
      throw new UploadError(
        'server_refused',
        `The storage server for part ${part.index} could not be trusted (${outcome.message}). ` +
          "Check the CA certificate setting (the profile's CA file, or PERIDIO_CA_PATH).",
        { details: partDetails(transfer, part) },
      );
    }
    if (outcome.reason === 'proxy_refused') {
      throw new UploadError(
        'server_refused',
        `Part ${part.index} could not be sent: ${outcome.message}.`,
        { details: partDetails(transfer, part) },
      );
    }
    return {
      reason: outcome.reason,
      message: outcome.message,
      renewUrl: false,
      bytesSent: outcome.bytesSent,
    };
  }
  const verdict = putVerdict(outcome.status, outcome.message);
  if (verdict === 'done') return undefined;
  const failure = {
    message: `HTTP ${outcome.status} ${outcome.message}`,
    bytesSent: outcome.bytesSent,
    status: outcome.status,
    requestId: outcome.requestId,
    retryAfter: outcome.retryAfter,
  };
  if (verdict === 'refuse') {
    throw new UploadError(
      'part_rejected',
      `The storage server refused part ${part.index} of "${task.file.path}": ${failure.message}.`,
      {
        details: partDetails(transfer, part, {
          status: outcome.status,
          requestId: outcome.requestId,
        }),
      },
    );
  }
  switch (verdict) {
    case 'url_expired':
      return { ...failure, reason: 'url_expired', renewUrl: true };
    case 'renew_url':
      return { ...failure, reason: 'url_refused', renewUrl: true };
    case 'retry':
      return { ...failure, reason: 'server_error', renewUrl: false };
  }
}

/** A part read into memory, with the hash it is declared with. */
export interface ReadyPart {
  part: HashedPart;
  bytes: Buffer;
}

async function sendPart(transfer: Transfer, { part, bytes }: ReadyPart): Promise<void> {
  const { task, signal } = transfer;
  const url: { current: string | undefined } = { current: undefined };
  const attempts = new PartAttempts(transfer.finished);
  for (;;) {
    if (signal.aborted) throw abortedError('The upload');
    const failure = await attemptPart(transfer, part, bytes, url);
    if (failure === undefined) break;
    reportProgress(transfer);
    if (failure.renewUrl) url.current = undefined;
    const failures =
      failure.reason === 'url_expired'
        ? attempts.urlExpired(transfer.finished)
        : attempts.failed(failure.bytesSent, transfer.finished);
    if (failures === 'free') {
      // The URL aged while the part waited; a fresh one now is no failure (part-retry.ts).
      transfer.callbacks.onRetry?.({
        partIndex: part.index,
        attempt: attempts.failures,
        delayMs: 0,
        reason: failure.reason,
        message: failure.message,
        renewUrl: true,
        counted: false,
      });
      continue;
    }
    if (failures >= task.maxAttemptsPerPart) throw exhausted(transfer, part, failure, failures);
    const delayMs = partRetryDelayMs(failures, task.retryDelaysMs, {
      retryAfter: failure.retryAfter,
    });
    transfer.callbacks.onRetry?.({
      partIndex: part.index,
      attempt: failures,
      delayMs,
      reason: failure.reason,
      message: failure.message,
      renewUrl: failure.renewUrl,
      counted: true,
    });
    await sleep(delayMs, undefined, { signal }).catch(() => {
      throw abortedError('The upload');
    });
  }
  transfer.finished += 1;
  transfer.bytesFinished += part.size;
  reportProgress(transfer);
  transfer.callbacks.onPartDone?.(part);
}

function buildClient(task: ResolvedTransfer): {
  client: PeridioClient;
  ca: string[] | undefined;
} {
  const { connection } = task;
  try {
    const ca = trustedCertificates(loadExtraCaCertificates({ caPems: connection.caPems ?? [] }));
    const client = new PeridioClient({
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      ...(connection.apiVersion === undefined ? {} : { apiVersion: connection.apiVersion }),
      ...(connection.caPems === undefined ? {} : { caPems: connection.caPems }),
      ...(connection.proxy === undefined ? {} : { proxy: connection.proxy }),
      // Part creates retry by the part retry policy alone; retrying inside the client as well
      // would multiply the attempts and the waits.
      retry: { maxAttempts: 1 },
    });
    return { client, ca };
  } catch (error) {
    if (!isPeridioError(error)) throw error;
    throw new UploadError('server_refused', error.message, {
      retryable: false,
      details: { reason: error.code },
      cause: error,
    });
  }
}

export interface Lanes<P extends PlannedPart> {
  /** The parts to send, in the order they are taken. */
  parts: readonly P[];
  /** Bytes of the file already on the server, counted as done from the start. */
  alreadyDone: number;
  /** Reads `part` for the lane numbered `lane` (0 to concurrency - 1, one part at a time each). */
  read: (part: P, lane: number, signal: AbortSignal) => Promise<ReadyPart>;
}

/**
 * Sends parts on `concurrency` lanes, each reading its next part only when its last one is
 * answered, so memory stays at concurrency x part size. The first failure stops every lane.
 */
export async function runLanes<P extends PlannedPart>(
  task: ResolvedTransfer,
  lanes: Lanes<P>,
  callbacks: UploadCallbacks,
): Promise<void> {
  const outer = callbacks.signal;
  if (outer.aborted) throw abortedError('The upload');
  callbacks.onProgress?.(lanes.alreadyDone);
  if (lanes.parts.length === 0) return;

  const { client, ca } = buildClient(task);
  const stop = new AbortController();
  const stopAll = (): void => stop.abort();
  outer.addEventListener('abort', stopAll, { once: true });
  // The engine's connections when it runs on this thread too, and the next job's (see
  // network/shared-agents.ts).
  const agents = threadAgents.lease(task.connection.proxy, ca, callbacks.askSystemProxy);
  const transfer: Transfer = {
    task,
    client,
    agents: agents.agents,
    signal: stop.signal,
    callbacks,
    finished: 0,
    bytesFinished: lanes.alreadyDone,
    bytesInFlight: new Map(),
  };
  const queue = [...lanes.parts];
  let failure: unknown;
  const lane = async (number: number): Promise<void> => {
    for (;;) {
      const part = queue.shift();
      if (part === undefined || stop.signal.aborted) return;
      await sendPart(transfer, await lanes.read(part, number, stop.signal));
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(task.concurrency, lanes.parts.length) }, (_, number) =>
        lane(number).catch((error: unknown) => {
          failure ??= error;
          stop.abort();
        }),
      ),
    );
  } finally {
    outer.removeEventListener('abort', stopAll);
    client.close();
    agents.release();
  }
  if (outer.aborted) throw abortedError('The upload');
  if (failure !== undefined) throw failure;
}

/** Sends the parts of a hashed file, each checked against its hash as it is read. */
export async function uploadParts(input: UploadTask, callbacks: UploadCallbacks): Promise<void> {
  const task = resolveUploadTask(input);
  if (callbacks.signal.aborted) throw abortedError('The upload');
  // Before any request: a file changed since hashing must not get a single part declared.
  await checkUnchanged(task.file);
  // Each lane owns one buffer for its whole life.
  const bufferSize = task.parts.reduce((largest, part) => Math.max(largest, part.size), 0);
  const buffers: Buffer[] = [];
  await runLanes(
    task,
    {
      parts: task.parts,
      alreadyDone: task.file.size - task.parts.reduce((sum, part) => sum + part.size, 0),
      read: async (part, lane) => ({
        part,
        bytes: await readPart(
          task.file,
          part,
          (buffers[lane] ??= Buffer.allocUnsafeSlow(bufferSize)),
        ),
      }),
    },
    callbacks,
  );
}
