// Uploads and the queue: detect a file's target, queue a file, act on jobs, and take up a
// binary's upload again. Every job goes out with the actions its status allows.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { JobView } from '../../../src-preload/contract.js';
import { allowedActions } from '../../lifecycle/index.js';
import { jobAllowedActions } from '../../queue/index.js';
import { NotARegularFileError, whyUnreadable } from '../../files/index.js';
import { refuse } from '../desk-errors.js';
import { jobView } from '../job-view.js';
import type { DeskContext, HandlerMap } from './handler.js';

type UploadCommand =
  | 'uploads.detectTarget'
  | 'uploads.enqueue'
  | 'jobs.list'
  | 'jobs.pause'
  | 'jobs.resume'
  | 'jobs.retry'
  | 'jobs.cancel'
  | 'binaries.resumeUpload';

export const uploadCommands: HandlerMap<UploadCommand> = {
  async 'uploads.detectTarget'({ path: file }) {
    const resolved = path.resolve(file);
    try {
      // The targets room (with zlib) loads only for a detection, not for every upload.
      const { detectFileTarget } = await import('../../targets/index.js');
      return await detectFileTarget(resolved);
    } catch (error) {
      // A pipe, a folder or a device keeps its own code; a missing or unreadable file is said
      // in words, not as ENOENT.
      if (error instanceof NotARegularFileError) throw error;
      throw refuse('file_unreadable', `The file ${resolved} ${whyUnreadable(error)}.`);
    }
  },

  async 'uploads.enqueue'(input, { engine }) {
    // The engine checks the file itself (exists, a regular file, not too big) before storing.
    const job = await engine().enqueue({
      path: input.path,
      artifactVersionPrn: input.artifactVersionPrn,
      target: input.target,
      signingKey: input.signingKey ?? null,
      replace: input.replace ?? false,
    });
    return jobView(job);
  },

  async 'jobs.list'({ status, workspace = 'current', cursor, limit = 100 }, { engine }) {
    // This workspace's jobs unless asked otherwise: another server's wait for its own runner.
    const current = engine();
    const page = current.store.listPage({
      ...(status ? { statuses: status } : {}),
      ...(workspace === 'all'
        ? {}
        : { workspace: workspace === 'current' ? current.workspace : workspace }),
      ...(cursor !== undefined ? { cursor } : {}),
      limit,
    });
    return { items: page.jobs.map(jobView), nextCursor: page.nextCursor };
  },
  async 'jobs.pause'({ id }, { engine }) {
    return jobView(engine().pause(id));
  },
  async 'jobs.resume'({ id }, { engine }) {
    return jobView(engine().resume(id));
  },
  async 'jobs.retry'({ id }, { engine }) {
    return jobView(engine().retry(id));
  },
  async 'jobs.cancel'({ id }, { engine }) {
    return jobView(engine().cancel(id));
  },
  async 'binaries.resumeUpload'({ prn }, context) {
    return resumeUpload(prn, context);
  },
};

/**
 * The binary's newest job in this workspace goes again: resumed when paused, retried when it
 * failed or was cancelled, or queued anew from its file when it finished and the binary
 * takes parts again (it was reset since). Refused, saying what to do, when this computer
 * knows no upload or no file for it, when its upload is still in the queue, or when the
 * lifecycle leaves nothing to do.
 */
async function resumeUpload(prn: string, { engine, client }: DeskContext): Promise<JobView> {
  const queue = engine();
  const binary = await client().binaries.get(prn);
  const named = `${binary.target} (${prn})`;
  const again = `Drop or choose the file for ${binary.target} again to upload it.`;
  const lifecycle = allowedActions(binary.state);
  if (!Object.values(lifecycle).some(Boolean)) {
    throw refuse('nothing_to_resume', `${named} is ${binary.state}: it has no upload to resume.`);
  }
  const job = queue.store.latestJobForBinary({
    workspace: queue.workspace,
    binaryPrn: prn,
    artifactVersionPrn: binary.artifact_version_prn,
    target: binary.target,
  });
  if (!job) {
    throw refuse(
      'no_upload_known',
      `This computer has no upload of ${named} in its queue, so it does not know the file. ${again}`,
    );
  }
  const can = jobAllowedActions(job.status);
  if (can.resume) return jobView(queue.resume(job.id));
  if (can.retry) return jobView(queue.retry(job.id));
  if (job.status !== 'done') {
    throw refuse(
      'already_queued',
      `The upload of ${named} is already in the queue (${job.status}); it goes on by itself.`,
    );
  }
  if (!lifecycle.upload) {
    throw refuse(
      'nothing_to_resume',
      `${named} is ${binary.state}: its upload is finished, there is nothing to resume.`,
    );
  }
  try {
    await stat(job.request.path);
  } catch {
    throw refuse(
      'file_missing',
      `The file of the last upload of ${named}, ${job.request.path}, is no longer there. ${again}`,
    );
  }
  const { path: file, artifactVersionPrn, target, signingKey, replace } = job.request;
  return jobView(
    await queue.enqueue({ path: file, artifactVersionPrn, target, signingKey, replace }),
  );
}
