// What the watch agent tells its face: each file it saw and what became of it, the jobs it
// queued and how they ended, and rules that paused because their folder went away.
import type { JobError } from '../queue/index.js';
import type { TransferProgress } from '../upload/index.js';

export type WatchEvent =
  /** A file appeared or changed in a rule's folder; it is taken once it has settled. */
  | { type: 'file:seen'; rule: string; path: string; size: number }
  /** A file that will not be uploaded, and why (a pattern, a duplicate, already uploaded). */
  | { type: 'file:ignored'; rule: string; path: string; reason: string }
  /** New content for a target that already holds other content: never replaced silently. */
  | {
      type: 'file:conflict';
      rule: string;
      path: string;
      target: string;
      artifactVersionPrn: string;
      binaryPrn: string | null;
      message: string;
    }
  | {
      type: 'job:queued';
      rule: string;
      jobId: string;
      path: string;
      /** The copy the job uploads (in the spool), or the file itself without spooling. */
      uploadPath: string;
      target: string;
      /** How the target was found, for a person to check: the header's evidence with
       * `"auto"` ("ELF 64-bit ARM aarch64, Linux"), the path's pattern, or the rule. */
      targetEvidence: string;
      artifactVersionPrn: string;
      sha256: string;
      size: number;
      /** The content is on the server, signed with another key: the job adds the rule's
       * signature (what it does, for people). */
      addsSignature?: string;
    }
  | { type: 'job:progress'; jobId: string; progress: TransferProgress }
  | {
      type: 'job:done';
      jobId: string;
      path: string;
      binaryPrn: string | null;
      state: string | null;
    }
  | { type: 'job:failed'; jobId: string; path: string; binaryPrn: string | null; error: JobError }
  | { type: 'rule:paused'; rule: string; folder: string; reason: string }
  | { type: 'rule:resumed'; rule: string; folder: string }
  /** Something in a rule's folder could not be watched, though the rule goes on. */
  | { type: 'rule:warning'; rule: string; folder: string; message: string }
  | { type: 'connectivity:changed'; online: boolean; reason: string | null };
