// The plain data the upload room hands across the thread boundary: what a file was planned
// and hashed into, what to send, and how far a transfer has got.
import type { ProxyPlan } from '../network/index.js';

export interface PlannedPart {
  /** 1-based, as the Admin API numbers parts. */
  index: number;
  offset: number;
  size: number;
}

export interface PartPlan {
  fileSize: number;
  partSize: number;
  parts: PlannedPart[];
}

/** What identifies one version of a file without reading it again. */
export interface FileFingerprint {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface HashedPart extends PlannedPart {
  /** Lowercase hex SHA-256 of the part's bytes. */
  sha256: string;
}

export interface HashedFile extends FileFingerprint {
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
  partSize: number;
  parts: HashedPart[];
}

export interface TransferProgress {
  phase: 'hashing' | 'uploading';
  /** For an upload this includes the parts that were already on the server (a resume). */
  bytesDone: number;
  bytesTotal: number;
  /** Over the last few seconds; 0 until there is something to measure. */
  bytesPerSecond: number;
  etaSeconds: number | null;
}

/** Enough to build an Admin API client inside the worker. */
export interface ApiConnection {
  baseUrl: string;
  apiKey: string;
  apiVersion?: string;
  /** Extra CA certificates (PEM text), added to the system roots for https. */
  caPems?: string[];
  /** Which proxies the API requests and part PUTs go through; straight when absent. */
  proxy?: ProxyPlan;
}

/** How parts travel, for both kinds of transfer. */
export interface TransferOptions {
  connection: ApiConnection;
  binaryPrn: string;
  /** Parts in flight at once; default 4. Memory use is about concurrency x part size. */
  concurrency?: number;
  /** No bytes moving for this long aborts that PUT and retries it; default 60 s. */
  stallTimeoutMs?: number;
  /** Waits before the first retries; default [0, 1000, 3000, 5000], then capped exponential. */
  retryDelaysMs?: number[];
  /** Consecutive failed attempts after which a part gives up; default 10. */
  maxAttemptsPerPart?: number;
}

/** Parts of a file hashed beforehand: each is checked against its hash as it is read. */
export interface UploadTask extends TransferOptions {
  file: HashedFile;
  /** The parts to send; a resume passes the ones that are not `valid` on the server. */
  indices: number[];
}

/**
 * A file not hashed yet, sent to a new binary in the same read that hashes it: every part is
 * hashed as it is read and sent with that hash, and the whole-file hash is built from the
 * same bytes, so what is declared is exactly what was sent.
 */
export interface StreamTask extends TransferOptions {
  /** The file as it was queued: a change while it streams fails the transfer. */
  file: FileFingerprint;
  /** A preferred part size (see planParts); the default plan uses 8 MiB. */
  partSize?: number;
}

/** Why one part is being tried again, for logs and "retrying part 3 in 1 s". */
export interface PartRetryNotice {
  partIndex: number;
  /** The consecutive failed attempts that count so far (1 for the first failure). */
  attempt: number;
  delayMs: number;
  /** `url_expired`: the presigned URL's lifetime ran out before the part reached the store. */
  reason:
    'network' | 'stalled' | 'server_error' | 'url_refused' | 'url_expired' | 'api_unavailable';
  /** A short description: the status and the server's words, or the network error. */
  message: string;
  /** True when the next attempt asks the Admin API for a new presigned URL. */
  renewUrl: boolean;
  /**
   * False for a URL that expired while its part waited: renewed at once, no failure (info in
   * a log, not a retry warning). True for everything that counts towards giving up.
   */
  counted: boolean;
}
