// What the desktop notification says when a job ends: only for done and failed (waiting and
// interrupted jobs come back by themselves, so a notice would only be noise). Plain data.
import type { JobOutcomeView, JobView } from '../../src-preload/contract.js';

export interface JobNotice {
  title: string;
  body: string;
}

function fileNameOf(job: JobView): string {
  const source = job.sourcePath ?? job.request.path;
  return source.split(/[\\/]/).pop() || source;
}

export function jobEndNotice(job: JobView, outcome: JobOutcomeView): JobNotice | null {
  const file = fileNameOf(job);
  switch (outcome.status) {
    case 'done':
      return {
        title: 'Upload finished',
        body: `${file} (${job.request.target}) is uploaded${job.request.signingKey ? ' and signed' : ''}.`,
      };
    case 'failed':
      return {
        title: 'Upload failed',
        body: `${file} (${job.request.target}): ${outcome.error.message}`,
      };
    default:
      return null;
  }
}
