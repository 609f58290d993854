// Before a settled file is queued: what the queue and the server already hold for its
// artifact version and target, put through the conflict policy (the one the upload job asks
// too), and the verdict put into the words a watch rule's owner needs.
import { isPeridioError, searchBinaries, type Binary } from '../peridio/index.js';
import type { SigningKeyRef } from '../queue/index.js';
import type { HashedFile } from '../upload/index.js';
import {
  ACTIVE_JOB_STATUSES,
  TRANSIENT_CLIENT_CODES,
  conflictVerdict,
  keyName,
  queueVerdict,
  type RequestedKey,
} from '../workflow/index.js';
import { shortHash } from '../../src-preload/contract.js';
import { IntakeSkip } from './intake-skip.js';
import type { WatchEngine } from './watch-engine.js';

/** What the job for a file is to do, once the checks let it be queued. */
export interface IntakeGo {
  /** Reset the unsigned binary that holds other content. */
  replace: boolean;
  /** The content is there and signed: the job only adds this signature (said to people). */
  addsSignature?: string;
}

export interface BinaryCheckInput {
  ruleName: string;
  replace: boolean;
  signingKey: SigningKeyRef | null;
  artifactVersionPrn: string;
  target: string;
  hashed: HashedFile;
}

/** The queue already has this content for the target, or other content on its way there. */
export function checkQueue(engine: WatchEngine, input: BinaryCheckInput): void {
  const { artifactVersionPrn, target, hashed } = input;
  const jobs = engine.store.jobsForBinary({
    workspace: engine.workspace,
    artifactVersionPrn,
    target,
    statuses: [...ACTIVE_JOB_STATUSES, 'done'],
  });
  const verdict = queueVerdict(jobs, hashed, input.signingKey);
  if (verdict.kind === 'duplicate') {
    const what = verdict.job.status === 'done' ? 'was uploaded by' : 'is already queued as';
    throw new IntakeSkip('ignored', `duplicate: the same content ${what} job ${verdict.job.id}`);
  }
  if (verdict.kind === 'conflict') {
    const other = verdict.job;
    throw new IntakeSkip(
      'conflict',
      `job ${other.id} (${other.sourcePath ?? other.request.path}) already uploads other content (hash ${shortHash(other.sha256 ?? '')}…) as the ${target} binary of ${artifactVersionPrn}; this file is not queued. Let that job finish or cancel it, then touch this file.`,
      { target, artifactVersionPrn, binaryPrn: other.binaryPrn },
    );
  }
}

/**
 * What the server holds for the target: the same content finished is skipped (signed with
 * another key than the rule's: the rule's signature is added), other content is a conflict
 * unless it is unsigned and the rule replaces. Unreachable: the job checks the same when it
 * runs, so the file is queued as it is.
 */
export async function checkServer(
  engine: WatchEngine,
  input: BinaryCheckInput,
  signal: AbortSignal,
): Promise<IntakeGo> {
  if (!engine.connectivity.online) return { replace: false };
  const { artifactVersionPrn, target, hashed, ruleName } = input;
  let live: Binary | undefined;
  try {
    const found = await engine.client.binaries.list(
      {
        search: searchBinaries()
          .eq('artifact_version_prn', artifactVersionPrn)
          .eq('target', target),
        limit: 100,
      },
      { timeoutMs: 15_000, signal },
    );
    live = found.items.find((binary) => binary.state !== 'destroyed');
  } catch (error) {
    if (isPeridioError(error) && TRANSIENT_CLIENT_CODES.has(error.code)) {
      engine.connectivity.reportOffline(error.message);
    }
    // Whatever it was, the job asks again and says what is wrong.
    return { replace: false };
  }
  const requestedKeys = live?.state === 'signed' ? requested(engine, input.signingKey) : [];
  const verdict = conflictVerdict({ live, content: hashed, replace: input.replace, requestedKeys });
  switch (verdict.kind) {
    case 'new':
    case 'take-over':
    case 'continue':
      return { replace: false };
    case 'replace':
      return { replace: true };
    case 'duplicate':
      throw new IntakeSkip(
        'ignored',
        `already uploaded: ${live!.prn} holds this content (${live!.state})`,
      );
    case 'add-signature': {
      const keys = verdict.missing.map((key) => key.prn ?? key.name).join(', ');
      const by = verdict.signedBy.join(', ') || 'another key';
      return {
        replace: false,
        addsSignature: `${live!.prn} holds this content, signed with ${by}; the job adds the signature of ${keys}`,
      };
    }
    case 'conflict': {
      const other = `holds other content (hash ${shortHash(live!.hash)}…, ${live!.size} bytes, state ${live!.state})`;
      const where = { target, artifactVersionPrn, binaryPrn: live!.prn };
      if (verdict.why === 'signed') {
        throw new IntakeSkip(
          'conflict',
          `the ${target} binary ${live!.prn} of ${artifactVersionPrn} ${other} and is signed; signed binaries are final, so this file is not uploaded. Destroy that binary, or put this build under another version.`,
          where,
        );
      }
      throw new IntakeSkip(
        'conflict',
        `the ${target} binary ${live!.prn} of ${artifactVersionPrn} ${other}; this file is not uploaded. Set "replace": true on rule "${ruleName}" to reset unsigned binaries to new content.`,
        where,
      );
    }
  }
}

/** The rule's key with its PRN, when it is known (else the job checks it, and an unusable
 * key fails the job saying why, where a person sees it). */
function requested(engine: WatchEngine, ref: SigningKeyRef | null): RequestedKey[] {
  return ref === null ? [] : [{ name: keyName(ref), prn: engine.signingKeyPrn(ref) }];
}
