// Files a person drops or picks in the browser. A browser never tells a file's path, so the
// page sends the bytes (`POST /api/files`, the name in `x-file-name`) and the dashboard keeps
// them in a spool of their own (`<data>/dropped-files`; the watcher's spool is swept by its
// own rules): a queued job's file must stay put until it is signed. Entries go once their
// job is done, and at the next start when no job needs them (a failed or cancelled job may be
// retried until the queue's retention prunes it) and they are an hour old (a file whose
// upload dialog was never confirmed).
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { DeskEvent } from '../../src-preload/contract.js';
import { Spool } from '../watch/index.js';
import type { Refusal } from './request-guard.js';

/** A file left in the spool by a dialog that was never confirmed goes after this long. */
const UNQUEUED_GRACE_MS = 60 * 60_000;
const MAX_NAME_BYTES = 255;
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME = /[\u0000-\u001f\u007f/\\]/;

/** The folder under the app's data folder where dropped files are kept. */
export const DROPPED_FILES_FOLDER = 'dropped-files';

export class DroppedFiles {
  constructor(
    readonly spool: Spool,
    /** Files that queued or unfinished jobs still need. */
    private readonly pathsInUse: () => ReadonlySet<string>,
  ) {}

  /** Removes what no job needs any more; answers how many entries went. */
  sweep(): Promise<number> {
    return this.spool.sweep(this.pathsInUse(), UNQUEUED_GRACE_MS);
  }

  /** Removes a job's spooled file once the job is done (a cancelled one may be retried, and
   * finds its file); returns the unsubscribe. */
  cleanUpAfterJobs(service: { subscribe(listener: (event: DeskEvent) => void): () => void }) {
    return service.subscribe((event) => {
      if (event.name !== 'job:ended') return;
      const { job } = event.payload;
      if (job.status === 'done') {
        this.spool.remove(job.request.path).catch(() => {
          // Left for the next start's sweep.
        });
      }
    });
  }
}

/**
 * The dropped files in the app's data folder (`<data>/dropped-files`), swept of what no job
 * needs any more: what `startDashboard` takes as `files`.
 */
export async function openDroppedFiles(
  dataDir: string,
  pathsInUse: () => ReadonlySet<string>,
): Promise<DroppedFiles> {
  const files = new DroppedFiles(new Spool(dataDir, DROPPED_FILES_FOLDER), pathsInUse);
  await files.sweep();
  return files;
}

export type DroppedFileReceipt = { ok: true; path: string } | { ok: false; refusal: Refusal };

function refused(status: number, code: string, message: string): DroppedFileReceipt {
  return { ok: false, refusal: { status, code, message } };
}

/** The file name the page sent: percent-encoded UTF-8, one plain name, no folders. */
export function droppedFileName(header: string | string[] | undefined): string | Refusal {
  const bad = (why: string): Refusal => ({
    status: 400,
    code: 'bad_file_name',
    message: `The file name ${why}; send the file's own name in x-file-name, percent-encoded.`,
  });
  if (typeof header !== 'string' || header === '') return bad('is missing');
  let name: string;
  try {
    name = decodeURIComponent(header);
  } catch {
    return bad('is not valid percent-encoded UTF-8');
  }
  if (name === '.' || name === '..' || UNSAFE_NAME.test(name)) {
    return bad('must be a plain name (no "/", "\\", control characters, "." or "..")');
  }
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    return bad(`is longer than ${MAX_NAME_BYTES} bytes`);
  }
  return name;
}

export async function receiveDroppedFile(
  files: DroppedFiles,
  headers: IncomingHttpHeaders,
  body: unknown,
): Promise<DroppedFileReceipt> {
  if (!(body instanceof Readable)) {
    return refused(
      415,
      'unsupported_media_type',
      "Send the file's bytes as the body, with content-type: application/octet-stream.",
    );
  }
  const name = droppedFileName(headers['x-file-name']);
  if (typeof name !== 'string') {
    body.resume();
    return { ok: false, refusal: name };
  }
  try {
    return { ok: true, path: await files.spool.receive(body, name) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      return refused(
        507,
        'insufficient_storage',
        `There is no room left for "${name}" in the app's data folder (${files.spool.dir}); free some space and drop the file again.`,
      );
    }
    if (body.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      return refused(400, 'upload_aborted', `"${name}" did not arrive whole; drop it again.`);
    }
    throw error;
  }
}
