// Uploads and the queue: detect a file's target, queue a file, and act on jobs.
import path from 'node:path';
import { detectFileTarget } from '../../watch/index.js';
import type { HandlerMap } from './handler.js';

type UploadCommand =
  | 'uploads.detectTarget'
  | 'uploads.enqueue'
  | 'jobs.list'
  | 'jobs.pause'
  | 'jobs.resume'
  | 'jobs.retry'
  | 'jobs.cancel';

export const uploadCommands: HandlerMap<UploadCommand> = {
  async 'uploads.detectTarget'({ path: file }) {
    return detectFileTarget(path.resolve(file));
  },

  async 'uploads.enqueue'(input, { engine }) {
    // The engine checks the file itself (exists, a regular file, not too big) before storing.
    return engine().enqueue({
      path: input.path,
      artifactVersionPrn: input.artifactVersionPrn,
      target: input.target,
      signingKey: input.signingKey ?? null,
      replace: input.replace ?? false,
    });
  },

  async 'jobs.list'(_input, { engine }) {
    // Only this workspace's jobs: another server's jobs wait for that workspace's runner.
    const current = engine();
    return current.store.list({ workspace: current.workspace });
  },
  async 'jobs.pause'({ id }, { engine }) {
    return engine().pause(id);
  },
  async 'jobs.resume'({ id }, { engine }) {
    return engine().resume(id);
  },
  async 'jobs.retry'({ id }, { engine }) {
    return engine().retry(id);
  },
  async 'jobs.cancel'({ id }, { engine }) {
    return engine().cancel(id);
  },
};
