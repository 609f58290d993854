// The steps of one upload job, each against the server's truth: the file is checked against
// what was queued, the binary is found (or created with the job's fixed id), only the parts
// the server does not hold as valid are sent, and every change is asked of the server, whose
// answer is taken as it is: what it accepted is not read back.
// A file not hashed yet, for a target with no binary yet, is hashed and sent in one read
// (one of a single part is hashed first: its binary is created with its content).
import { sleepOn, systemClock, type Clock } from '../clock/index.js';
import {
  allowedActions,
  eventAllowed,
  transitionFor,
  type BinaryState,
} from '../lifecycle/index.js';
import {
  isPeridioError,
  searchBinaries,
  type Binary,
  type BinarySignature,
  type PeridioClient,
} from '../peridio/index.js';
import type { Job, JobStep, JobStore, SigningKeyRef } from '../queue/index.js';
import {
  planParts,
  type ApiConnection,
  type HashedFile,
  type PartRetryNotice,
  type TransferProgress,
  type Transfer,
  type TransferLease,
} from '../upload/index.js';
import { conflictVerdict, keysNotSigned } from './binary-conflict-policy.js';
import { PENDING_CONTENT_HASH } from './content-pending.js';
import { nextHashPoll } from './hash-poll.js';
import { JobFailure, TRANSIENT_CLIENT_CODES } from './job-failure.js';
import {
  giveReadAccess,
  permissionDenied,
  statReadableFile,
  whyUnreadable,
} from '../files/index.js';
import { shortHash } from '../../src-preload/contract.js';

/**
 * The binary once the server took `signature`: a valid signature moves it on by the
 * lifecycle's own step (a signable binary becomes signed), with the signature in its list.
 */
function signedWith(binary: Binary, signature: BinarySignature): Binary {
  const move = transitionFor(binary.state, 'SIGNATURE_ATTACHED', 'server');
  const { signing_key_prn, keyid } = signature;
  return {
    ...binary,
    state: move?.to ?? binary.state,
    signatures: [
      ...(binary.signatures ?? []),
      { signature: signature.signature, signing_key_prn, keyid },
    ],
  };
}

export interface Signer {
  signingKeyPrn: string;
  /** Ed25519 over the binary's hex hash; the private key never leaves the engine. */
  sign(hash: string): string;
}

export interface UploadStepsDeps {
  store: JobStore;
  client: PeridioClient;
  connection: ApiConnection;
  /** What moves this job's file (the engine's pool: a worker, or this thread for a small
   * file); given back when the job closes. */
  lendTransfer: (fileSize: number) => TransferLease;
  resolveSigner: (ref: SigningKeyRef) => Promise<Signer>;
  /** Parts in flight per job. */
  concurrency: number;
  /** How long a part PUT may move no bytes before it is cut off and sent again; asked as each
   * transfer starts, so a changed preference reaches the transfers started after it. */
  stallTimeoutMs?: () => number;
  onProgress?: (jobId: string, progress: TransferProgress) => void;
  /** A part is sent again (a stall, a network error, a server error), for the log. */
  onPartRetry?: (jobId: string, notice: PartRetryNotice) => void;
  onStep?: (jobId: string, step: JobStep, message: string) => void;
  /** What the wait for the server's hash reads and waits on; the system's unless a test's. */
  clock?: Clock;
}

export class UploadSteps {
  private lease: TransferLease | undefined;
  /** The binary whose every part this job has just sent in one read (see stream). */
  private streamedPrn: string | undefined;

  constructor(
    private readonly job: Job,
    private readonly deps: UploadStepsDeps,
  ) {}

  private step(step: JobStep, message: string, binary?: Binary): void {
    this.deps.store.setStep(this.job.id, step, message, binary);
    this.deps.onStep?.(this.job.id, step, message);
  }

  /** What moves this job's file, lent at the first need. */
  private get transfer(): Transfer {
    this.lease ??= this.deps.lendTransfer(this.job.queuedFile.size);
    return this.lease.transfer;
  }

  async close(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    await lease?.giveBack();
  }

  /**
   * The file's hashes, and the binary when the file went up in the same read. The file must
   * still be what was queued.
   */
  async prepare(signal: AbortSignal): Promise<{ file: HashedFile; binary: Binary | null }> {
    const { path, workspace } = this.job.request;
    // Lent now, so that a worker's start overlaps with the checks and requests below.
    const { transfer } = this;
    this.step('hashing-file', `checking ${path}`);
    // Opened, not only looked at: a file this user may no longer read fails here, before a
    // binary is created for it.
    let current;
    try {
      current = await statReadableFile(path);
    } catch (error) {
      if (permissionDenied(error)) {
        throw new JobFailure(
          'file_unreadable',
          `${path} ${whyUnreadable(error)}. ${giveReadAccess(path)} Then retry the job, or cancel it.`,
          { path },
        );
      }
      throw new JobFailure(
        'file_missing',
        `${path} ${whyUnreadable(error)}; it was there when queued. Put it back and retry the job, or cancel it.`,
        { path },
      );
    }
    const queued = this.job.queuedFile;
    if (current.size !== queued.size || current.mtimeMs !== queued.mtimeMs) {
      throw new JobFailure(
        'file_changed',
        `${path} changed after it was queued (size ${queued.size} -> ${current.size} bytes); it is not uploaded under the old content. Queue it again to upload what it holds now.`,
        { path, queued, now: { size: current.size, mtimeMs: current.mtimeMs } },
      );
    }
    const cached = this.deps.store.cachedHash(path, queued, workspace);
    if (cached) return { file: cached, binary: null };
    if (queued.size === 0) return { file: await this.hash(transfer, signal), binary: null };
    // A file of one part (8 MiB at most) is hashed first, so that its binary is created with
    // its content: nothing is declared after the upload, a round trip less a file.
    const onePart = planParts(queued.size).parts.length === 1;
    const hashed = onePart ? await this.hash(transfer, signal) : undefined;
    const created = await this.createForStream(signal, hashed);
    if (created) return this.stream(created, signal);
    return { file: hashed ?? (await this.hash(transfer, signal)), binary: null };
  }

  /** The file's hashes, in one read, remembered for the next job of the same file. */
  private async hash(transfer: Transfer, signal: AbortSignal): Promise<HashedFile> {
    const { path, workspace } = this.job.request;
    const hashed = await transfer.hash(path, {
      signal,
      onProgress: (p) => this.deps.onProgress?.(this.job.id, p),
    });
    this.checkHashedAsQueued(hashed);
    this.deps.store.rememberHash(hashed, workspace);
    return hashed;
  }

  private checkHashedAsQueued(hashed: HashedFile): void {
    const queued = this.job.queuedFile;
    if (hashed.size !== queued.size || hashed.mtimeMs !== queued.mtimeMs) {
      throw new JobFailure(
        'file_changed',
        `${hashed.path} changed while it was being read; it is not uploaded. Queue it again once it is complete.`,
        { path: hashed.path },
      );
    }
  }

  /**
   * The binary for a file to send in one read, created with its content (`hashed`) or with
   * its content still to be declared; undefined when the server refuses it (the target is
   * taken, or this job's binary exists from an earlier try) or cannot be reached: then the
   * file is hashed, and findBinary's search and the conflict policy decide. Asked straight,
   * not after a search: a new target, the common case, costs one request instead of two.
   */
  private async createForStream(
    signal: AbortSignal,
    hashed?: HashedFile,
  ): Promise<Binary | undefined> {
    const { artifactVersionPrn, target } = this.job.request;
    try {
      return await this.deps.client.binaries.create(
        {
          artifact_version_prn: artifactVersionPrn,
          target,
          hash: hashed?.sha256 ?? PENDING_CONTENT_HASH,
          size: this.job.queuedFile.size,
          id: this.job.binaryId,
        },
        { signal },
      );
    } catch (error) {
      if (isPeridioError(error, 'validation')) return undefined;
      if (isPeridioError(error) && TRANSIENT_CLIENT_CODES.has(error.code)) return undefined;
      throw error;
    }
  }

  private async liveBinary(signal: AbortSignal): Promise<Binary | undefined> {
    const { artifactVersionPrn, target } = this.job.request;
    const found = await this.deps.client.binaries.list(
      {
        search: searchBinaries()
          .eq('artifact_version_prn', artifactVersionPrn)
          .eq('target', target),
        limit: 100,
      },
      { signal },
    );
    return found.items.find((b) => b.state !== 'destroyed');
  }

  /**
   * Sends every part of the new binary in the read that hashes the file, then declares the
   * content: one read of the file instead of two.
   */
  private async stream(
    created: Binary,
    signal: AbortSignal,
  ): Promise<{ file: HashedFile; binary: Binary }> {
    const { client, store } = this.deps;
    const { path, workspace } = this.job.request;
    this.step('finding-binary', `created binary ${created.prn}; its content follows`, created);
    this.step('uploading', `every part, hashed as it is read, to send to ${created.prn}`, created);
    const file = await this.transfer.stream(
      {
        ...this.transferOptions(created.prn),
        file: { path, ...this.job.queuedFile },
      },
      {
        signal,
        onProgress: (p) => this.deps.onProgress?.(this.job.id, p),
        onPartDone: (part) => store.partDone(this.job.id, created.prn, part),
        onRetry: (notice) => this.deps.onPartRetry?.(this.job.id, notice),
      },
    );
    this.checkHashedAsQueued(file);
    store.rememberHash(file, workspace);
    // Declared as sent: at creation when the file was hashed first and read the same again.
    const declared =
      created.hash === file.sha256
        ? created
        : await client.binaries.update(
            created.prn,
            { hash: file.sha256, size: file.size },
            { signal },
          );
    this.step('uploading', `sent ${file.parts.length} parts to ${declared.prn}`, declared);
    this.streamedPrn = declared.prn;
    return { file, binary: declared };
  }

  private transferOptions(binaryPrn: string) {
    return {
      connection: this.deps.connection,
      binaryPrn,
      concurrency: this.deps.concurrency,
      ...(this.deps.stallTimeoutMs ? { stallTimeoutMs: this.deps.stallTimeoutMs() } : {}),
      // About 20 s of retries (0, 1, 3, 5, 10 s): then the job waits for the server and
      // the connectivity monitor probes, instead of every part retrying on its own.
      maxAttemptsPerPart: 5,
    };
  }

  /**
   * The binary for this artifact version and target, created when there is none; what the
   * server holds decides (the conflict policy, which the watch intake asks too).
   */
  async findBinary(file: HashedFile, signal: AbortSignal): Promise<Binary> {
    const { client } = this.deps;
    const { artifactVersionPrn, target, replace } = this.job.request;
    this.step('finding-binary', `looking for the ${target} binary of ${artifactVersionPrn}`);
    const live = await this.liveBinary(signal);
    // The keys are checked when signing (resolving one here would load it for every job).
    const verdict = conflictVerdict({ live, content: file, replace, requestedKeys: [] });
    switch (verdict.kind) {
      case 'new': {
        const created = await client.binaries.create(
          {
            artifact_version_prn: artifactVersionPrn,
            target,
            hash: file.sha256,
            size: file.size,
            id: this.job.binaryId,
          },
          { signal },
        );
        this.step('finding-binary', `created binary ${created.prn}`, created);
        return created;
      }
      case 'continue':
      case 'duplicate':
      case 'add-signature':
        this.step('finding-binary', `continuing binary ${live!.prn} (${live!.state})`, live);
        return live!;
      case 'take-over': {
        // An upload that stopped before it declared its content: its valid parts are kept
        // where they match this file.
        const declared = await this.repoint(live!, file, signal);
        this.step('finding-binary', `declared the content of ${declared.prn}`, declared);
        return declared;
      }
      case 'replace': {
        const repointed = await this.repoint(live!, file, signal);
        this.step(
          'finding-binary',
          `replaced the content of ${repointed.prn} (revision ${repointed.revision})`,
          repointed,
        );
        return repointed;
      }
      case 'conflict': {
        const other = `holds other content (hash ${shortHash(live!.hash)}…, ${live!.size} bytes, state ${live!.state})`;
        if (verdict.why === 'signed') {
          throw new JobFailure(
            'binary_signed',
            `The ${target} binary ${live!.prn} ${other} and is signed. Signed binaries are final: destroy it first, then upload this file again.`,
            { binaryPrn: live!.prn },
          );
        }
        throw new JobFailure(
          'target_taken',
          `The ${target} binary ${live!.prn} ${other}. Upload again with --replace (for a watch rule: "replace": true) to reset it and upload this file instead.`,
          { binaryPrn: live!.prn },
        );
      }
    }
  }

  /** Points the binary at the file's content, resetting it first when it has moved on. */
  private async repoint(binary: Binary, file: HashedFile, signal: AbortSignal): Promise<Binary> {
    const { client } = this.deps;
    const reset =
      binary.state !== 'uploadable' && allowedActions(binary.state).reset
        ? await client.binaries.reset(binary.prn, { signal })
        : binary;
    return client.binaries.update(reset.prn, { hash: file.sha256, size: file.size }, { signal });
  }

  /** Sends the parts the server does not hold as valid, then checks the whole list. */
  async uploadParts(binary: Binary, file: HashedFile, signal: AbortSignal): Promise<Binary> {
    const { client, store } = this.deps;
    // Every part was just sent, each PUT answered only once the server held it as valid, and
    // `hashable` is refused unless all are: listing them first would cost a request a file.
    if (binary.prn === this.streamedPrn) return binary;
    const valid = await this.validParts(binary, file, signal);
    const missing = file.parts.filter((p) => !valid.has(p.index)).map((p) => p.index);
    this.step(
      'uploading',
      `${missing.length} of ${file.parts.length} parts to send to ${binary.prn}`,
      binary,
    );
    // Every part is on the server already: nothing changed since the list, and the binary is
    // as it was given.
    if (missing.length === 0) return binary;
    await this.transfer.upload(
      { ...this.transferOptions(binary.prn), file, indices: missing },
      {
        signal,
        onProgress: (p) => this.deps.onProgress?.(this.job.id, p),
        onPartDone: (part) => store.partDone(this.job.id, binary.prn, part),
        onRetry: (notice) => this.deps.onPartRetry?.(this.job.id, notice),
      },
    );
    const after = await this.validParts(binary, file, signal);
    const absent = file.parts.filter((p) => !after.has(p.index)).map((p) => p.index);
    if (absent.length > 0) {
      throw new JobFailure(
        'parts_incomplete',
        `After the upload the server does not hold parts ${absent.join(', ')} of ${binary.prn} as valid; retry the job.`,
        { binaryPrn: binary.prn, parts: absent },
      );
    }
    return client.binaries.get(binary.prn, { signal });
  }

  private async validParts(
    binary: Binary,
    file: HashedFile,
    signal: AbortSignal,
  ): Promise<Set<number>> {
    const planned = new Map(file.parts.map((p) => [p.index, p]));
    const valid = new Set<number>();
    for await (const part of this.deps.client.binaryParts.listAll(binary.prn, {}, { signal })) {
      const plan = planned.get(part.index);
      if (part.state === 'valid' && plan && plan.sha256 === part.hash && plan.size === part.size) {
        valid.add(part.index);
      }
    }
    return valid;
  }

  async markComplete(binary: Binary, signal: AbortSignal): Promise<Binary> {
    this.step('completing', `upload of ${binary.prn} complete`, binary);
    return this.deps.client.binaries.setState(binary.prn, 'hashable', { signal });
  }

  async requestHash(binary: Binary, signal: AbortSignal): Promise<Binary> {
    this.step('hashing', `the server hashes ${binary.prn}`, binary);
    return this.deps.client.binaries.setState(binary.prn, 'hashing', { signal });
  }

  /** Looks at the binary, on the hash poll schedule, until the server has hashed it. */
  async waitForSignable(binary: Binary, signal: AbortSignal): Promise<Binary> {
    this.step('waiting-signable', `waiting for the server to verify ${binary.prn}`, binary);
    const clock = this.deps.clock ?? systemClock;
    const asked = clock.now();
    let waited: number | null = null;
    let current = binary;
    // While the next move is the server's (its hash result), look again later.
    while (eventAllowed(current.state, 'HASH_MATCHED', 'server')) {
      await sleepOn(clock, nextHashPoll(waited), signal);
      signal.throwIfAborted();
      current = await this.deps.client.binaries.get(binary.prn, { signal });
      waited = clock.now() - asked;
    }
    // Back where it must be hashed again: the server's hash did not match.
    if (eventAllowed(current.state, 'HASH', 'client')) {
      throw new JobFailure(
        'hash_mismatch',
        `The server's hash of ${binary.prn} differs from the file's (${shortHash(binary.hash)}…): the stored content is not this file. Reset the binary and retry the job.`,
        { binaryPrn: binary.prn },
      );
    }
    return current;
  }

  /**
   * Attaches the key's signature, unless the key has signed the binary already. A signed
   * binary takes more signatures: one signed with another key gets this one added.
   */
  async sign(binary: Binary, ref: SigningKeyRef, signal: AbortSignal): Promise<Binary> {
    this.step('signing', `signing ${binary.prn}`, binary);
    const signer = await this.deps.resolveSigner(ref);
    const key = { name: keyName(ref), prn: signer.signingKeyPrn };
    if (keysNotSigned(binary, [key]).length === 0) {
      this.step('signing', `${binary.prn} is already signed with ${key.prn}`, binary);
      return binary;
    }
    const others = (binary.signatures ?? []).map((s) => s.signing_key_prn);
    let attached: BinarySignature;
    try {
      attached = await this.deps.client.binarySignatures.create(
        {
          binary_prn: binary.prn,
          signing_key_prn: signer.signingKeyPrn,
          signature: signer.sign(binary.hash),
        },
        { signal },
      );
    } catch (error) {
      // Another upload of the same file (another machine, another data folder) signed it with
      // this key in the meantime: the server refuses a second signature by it, and the binary
      // is as this job wanted it.
      if (!isPeridioError(error, 'validation')) throw error;
      const now = await this.deps.client.binaries.get(binary.prn, { signal });
      if (keysNotSigned(now, [key]).length > 0) throw error;
      this.step('signing', `${binary.prn} was signed with ${key.prn} by another upload`, now);
      return now;
    }
    // The server took the signature, and a valid signature makes it move the binary to
    // `signed` (the lifecycle's own step): read back, it would cost a round trip a file.
    const signed = signedWith(binary, attached);
    if (others.length > 0) {
      this.step(
        'signing',
        `added the signature of ${key.prn} to ${binary.prn}, already signed with ${others.join(', ')}`,
        signed,
      );
    }
    return signed;
  }

  finished(binary: Binary): void {
    this.step('done', `${binary.prn} is ${binary.state}`, binary);
  }
}

export type NextStep = 'upload' | 'hash' | 'wait' | 'sign' | 'done';

/**
 * What the job does next for a binary in `state`, asked of the lifecycle machine: send parts
 * while it takes them, ask for the hash when it may, wait while the next move is the
 * server's hash, sign (when a key was given) while the binary takes a signature (signable, or
 * signed: another key's signature is added; the sign step skips a key that signed already);
 * otherwise done.
 */
export function nextStepFor(state: BinaryState, wantsSignature: boolean): NextStep {
  if (eventAllowed(state, 'UPLOAD_PART', 'client')) return 'upload';
  if (eventAllowed(state, 'HASH', 'client')) return 'hash';
  if (eventAllowed(state, 'HASH_MATCHED', 'server')) return 'wait';
  if (wantsSignature && eventAllowed(state, 'SIGN', 'client')) return 'sign';
  return 'done';
}

/** How a key reference is named to people: the keychain name, or the PEM file. */
export function keyName(ref: SigningKeyRef): string {
  return ref.kind === 'keychain' ? ref.name : ref.privateKeyPath;
}
