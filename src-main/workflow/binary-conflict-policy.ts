// What to do with a file given what the server already holds for its artifact version and
// target: one answer for the watch intake (before it queues) and the upload job (when it
// runs), so the two never disagree. Pure: it reads plain data and asks nobody; the callers
// fetch the binary, resolve the keys, and put the verdict into their own words.
import type { Binary } from '../peridio/index.js';
import type { Job, JobStatus, SigningKeyRef } from '../queue/index.js';
import { awaitsContent } from './content-pending.js';

/** The file as hashed. */
export interface OfferedContent {
  sha256: string;
  size: number;
}

/**
 * A signing key the upload asks for. `prn` undefined: it could not be learned before the job
 * runs (the job resolves the key and checks again), so it counts as not having signed yet.
 */
export interface RequestedKey {
  name: string;
  prn: string | undefined;
}

export interface ConflictPolicyInput {
  /** The live (not destroyed) binary of the artifact version and target, if any. */
  live: Pick<Binary, 'prn' | 'hash' | 'size' | 'state' | 'signatures'> | undefined;
  content: OfferedContent;
  /** Reset an unsigned binary that holds other content. */
  replace: boolean;
  requestedKeys: readonly RequestedKey[];
}

export type ConflictVerdict =
  /** No binary yet: create it and upload. */
  | { kind: 'new' }
  /** A binary whose upload stopped before it declared its content: declare it, go on. */
  | { kind: 'take-over' }
  /** The same content on its way (not yet hashed, or signable with a key to sign with). */
  | { kind: 'continue' }
  /** The same content, finished as asked: nothing to send. */
  | { kind: 'duplicate' }
  /** The same content, signed, but not by every requested key: add the missing signatures. */
  | { kind: 'add-signature'; missing: RequestedKey[]; signedBy: string[] }
  /** Unsigned, other content, and the upload replaces: reset the binary to this content. */
  | { kind: 'replace' }
  /** Other content that must not be replaced: signed (final), or replacing was not asked. */
  | { kind: 'conflict'; why: 'signed' | 'not-replacing' };

/** The requested keys that have not signed `binary` (all of them when it has no signatures). */
export function keysNotSigned(
  binary: Pick<Binary, 'signatures'>,
  keys: readonly RequestedKey[],
): RequestedKey[] {
  const signed = new Set((binary.signatures ?? []).map((s) => s.signing_key_prn));
  return keys.filter((key) => key.prn === undefined || !signed.has(key.prn));
}

export function conflictVerdict(input: ConflictPolicyInput): ConflictVerdict {
  const { live, content, replace, requestedKeys } = input;
  if (!live) return { kind: 'new' };
  if (awaitsContent(live)) return { kind: 'take-over' };
  if (live.hash === content.sha256 && live.size === content.size) {
    if (live.state === 'signed') {
      const missing = keysNotSigned(live, requestedKeys);
      if (missing.length === 0) return { kind: 'duplicate' };
      const signedBy = (live.signatures ?? []).map((s) => s.signing_key_prn);
      return { kind: 'add-signature', missing, signedBy };
    }
    if (live.state === 'signable' && requestedKeys.length === 0) return { kind: 'duplicate' };
    return { kind: 'continue' };
  }
  if (live.state === 'signed') return { kind: 'conflict', why: 'signed' };
  return replace ? { kind: 'replace' } : { kind: 'conflict', why: 'not-replacing' };
}

/** A job of the queue for the same artifact version and target, as the policy reads it. */
export type QueuedJob = Pick<Job, 'id' | 'status' | 'sha256'> & {
  request: Pick<Job['request'], 'signingKey'>;
};

/** Statuses of a job that still uploads (or may upload) its content. */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['queued', 'running', 'waiting', 'paused'];

export type QueueVerdict<J extends QueuedJob = QueuedJob> =
  /** Nothing in the queue decides: ask the server. */
  | { kind: 'ask-server' }
  /** The same content is on its way, or was uploaded and signed by the same key. */
  | { kind: 'duplicate'; job: J }
  /** Other content is on its way to the same binary. */
  | { kind: 'conflict'; job: J };

function sameKey(a: SigningKeyRef | null, b: SigningKeyRef | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'keychain') return b.kind === 'keychain' && a.name === b.name;
  return b.kind === 'file' && a.signingKeyPrn === b.signingKeyPrn;
}

/**
 * What the queue's jobs for the binary (active and done) say about new content. A done job
 * signed with another key than the one asked now does not decide: the server says whether
 * the key's signature is still to be added.
 */
export function queueVerdict<J extends QueuedJob>(
  jobs: readonly J[],
  content: Pick<OfferedContent, 'sha256'>,
  signingKey: SigningKeyRef | null,
): QueueVerdict<J> {
  const active = jobs.filter((job) => ACTIVE_JOB_STATUSES.includes(job.status));
  const same = active.find((job) => job.sha256 === content.sha256);
  if (same) return { kind: 'duplicate', job: same };
  const uploaded = jobs.find(
    (job) =>
      job.status === 'done' &&
      job.sha256 === content.sha256 &&
      (signingKey === null || sameKey(job.request.signingKey, signingKey)),
  );
  if (uploaded) return { kind: 'duplicate', job: uploaded };
  const other = active[0];
  if (other) return { kind: 'conflict', job: other };
  return { kind: 'ask-server' };
}
