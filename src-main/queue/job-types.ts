// The queue's plain data: what a person asked for, and where the job stands.
import type { BinaryState } from '../lifecycle/index.js';

/** Which key signs the binary: a keychain key by name, or a PEM file for build machines. */
export type SigningKeyRef =
  | { kind: 'keychain'; name: string }
  | { kind: 'file'; privateKeyPath: string; signingKeyPrn: string };

export interface UploadRequest {
  path: string;
  artifactVersionPrn: string;
  target: string;
  signingKey: SigningKeyRef | null;
  /** Reset an unsigned binary of this target that holds other content. */
  replace: boolean;
  /** The workspace the job goes to (a profile name, `environment` or `local`). */
  workspace: string;
}

/**
 * queued: waiting for its turn; running: a runner holds its lease; waiting: the server is
 * unreachable, it goes on by itself; paused: a person paused it; the rest are final.
 */
export const JOB_STATUSES = [
  'queued',
  'running',
  'waiting',
  'paused',
  'done',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_STEPS = [
  'queued',
  'hashing-file',
  'finding-binary',
  'uploading',
  'completing',
  'hashing',
  'waiting-signable',
  'signing',
  'done',
] as const;
export type JobStep = (typeof JOB_STEPS)[number];

export interface JobError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface FileFingerprint {
  size: number;
  mtimeMs: number;
}

export interface Job {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: JobStatus;
  step: JobStep;
  request: UploadRequest;
  /** The file as it was when queued: a later change fails the job instead of uploading it. */
  queuedFile: FileFingerprint;
  /** The id a new binary gets, fixed at enqueue so a retried create is idempotent. */
  binaryId: string;
  binaryPrn: string | null;
  /** The last binary state the server reported. */
  binaryState: BinaryState | null;
  error: JobError | null;
  /** Why it is waiting (the network reason), when status is `waiting`. */
  waitingReason: string | null;
  attempts: number;
  /** The file the uploaded copy was taken from (the watcher's spool), when it is a copy. */
  sourcePath: string | null;
  /** The content's SHA-256, when the one who queued it had hashed it already. */
  sha256: string | null;
}

/** What an enqueuer may tell about the file beyond the request (the watcher does). */
export interface JobOrigin {
  sourcePath?: string;
  sha256?: string;
}
