// `peridio-desk queue ...`: look at the upload queue, act on its jobs, or run it.
import path from 'node:path';
import { JobStateError, JobStore, type Job } from '../queue/index.js';
import { defaultDataDir } from '../settings/index.js';
import { UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords, partConcurrencyOption } from './options.js';
import { createProgressPrinter } from './progress-printer.js';
import { waitForShutdownSignal } from './shutdown.js';
import { engineFor, openWorkspace } from './workspace.js';

const usage = `Usage: peridio-desk queue <list|pause|resume|retry|cancel|run> [JOB_ID] [options]

  list                 the jobs, oldest first, with status, step and any reason
  pause JOB_ID         stop a job for now (its uploaded parts are kept)
  resume JOB_ID        let a paused job go on
  retry JOB_ID         run a failed or cancelled job again from where its binary stands
  cancel JOB_ID        stop a job for good; its binary stays as it is (reset it if you like)
  run [--forever]      upload the queued jobs here until none is left; with --forever keep
                       running and take new jobs as they come (the agent on build machines)

Options:
  --json               print JSON lines
  --concurrency N      parts in flight at once per job (1 to 16, default 4)`;

const ACTIONS = ['pause', 'resume', 'retry', 'cancel'] as const;
type Action = (typeof ACTIONS)[number];

function jobLine(job: Job): string {
  const reason = job.error?.message ?? job.waitingReason;
  return [
    job.id,
    job.status.padEnd(9),
    job.step.padEnd(16),
    // A watched file is uploaded from its spool copy: name the file it came from.
    `${job.request.target}  ${job.sourcePath ? `${job.sourcePath} (spooled)` : job.request.path}`,
    job.binaryPrn ? `  -> ${job.binaryPrn} (${job.binaryState})` : '',
    reason ? `\n    ${reason}` : '',
  ].join(' ');
}

function openStore(): JobStore {
  return JobStore.open(path.join(defaultDataDir(), 'queue.sqlite'));
}

export const queueCommand: CliCommand = {
  name: 'queue',
  summary: 'list, pause, resume, retry, cancel or run queued uploads',
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      concurrency: { type: 'string' },
      forever: { type: 'boolean' },
    });
    const [verb, id, ...extra] = words;
    const json = values.json === true;
    if (extra.length > 0) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    if (verb === 'list') {
      const store = openStore();
      try {
        const jobs = store.list();
        if (json) for (const job of jobs) process.stdout.write(`${JSON.stringify(job)}\n`);
        else
          process.stdout.write(
            jobs.length ? `${jobs.map(jobLine).join('\n')}\n` : 'The queue is empty.\n',
          );
      } finally {
        store.close();
      }
      return 0;
    }
    if (ACTIONS.includes(verb as Action)) {
      if (!id)
        throw new UsageError(`queue ${verb} needs a JOB_ID (see \`peridio-desk queue list\`)`);
      const store = openStore();
      try {
        const job = store[verb as Action](id);
        process.stdout.write(json ? `${JSON.stringify(job)}\n` : `${jobLine(job)}\n`);
        return 0;
      } catch (error) {
        if (error instanceof JobStateError) {
          process.stderr.write(`${error.message}\n`);
          return 1;
        }
        throw error;
      } finally {
        store.close();
      }
    }
    if (verb === 'run') {
      if (id) throw new UsageError('queue run takes no JOB_ID');
      return runQueue(values.forever === true, json, partConcurrencyOption(values.concurrency));
    }
    throw new UsageError(verb ? `unknown queue action "${verb}"` : 'say what to do with the queue');
  },
};

async function runQueue(
  forever: boolean,
  json: boolean,
  partConcurrency: number | undefined,
): Promise<number> {
  const printer = createProgressPrinter({ json });
  let failures = 0;
  const workspace = await openWorkspace();
  const engine = engineFor(workspace, {
    partConcurrency,
    onEvent: (event) => {
      printer.event(event);
      if (event.type === 'job:ended') {
        const { job } = event;
        if (job.status === 'failed') failures += 1;
        printer.line(
          `${job.status}: ${job.request.path}${job.error ? ` (${job.error.message})` : ''}`,
          {
            event: `job:${job.status}`,
            job_id: job.id,
            binary_prn: job.binaryPrn,
            state: job.binaryState,
            error: job.error,
          },
        );
      }
    },
  });
  void waitForShutdownSignal().then(() => engine.stop());
  try {
    await engine.run({ forever });
    return failures > 0 ? 1 : 0;
  } finally {
    await engine.close();
    await workspace.close();
  }
}
