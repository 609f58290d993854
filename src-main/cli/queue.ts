// `peridio-desk queue ...`: look at the upload queue, act on its jobs, or run it.
import type { JobView } from '../../src-preload/contract.js';
import { EXIT, EXIT_STATUSES, UsageError, stoppedStatus, type CliCommand } from './command.js';
import {
  jobConcurrencyOption,
  maxRateOption,
  parseOptionsAndWords,
  partConcurrencyOption,
} from './options.js';
import { createProgressPrinter } from './progress-printer.js';
import {
  allPages,
  announceRateCap,
  announceWorkspace,
  printResult,
  withService,
} from './session.js';
import { waitForShutdownSignal } from './shutdown.js';

const usage = `Usage: peridio-desk queue <list|pause|resume|retry|cancel|run> [JOB_ID] [options]

  list [--status S,S]  the workspace's jobs, with status, step and any reason; only those
                       of the given statuses (queued, running, waiting, paused, done,
                       failed, cancelled) with --status
  pause JOB_ID         stop a job for now (its uploaded parts are kept)
  resume JOB_ID        let a paused job go on
  retry JOB_ID         run a failed or cancelled job again from where its binary stands
  cancel JOB_ID        stop a job for good; its binary stays as it is (reset it if you like)
  run [--forever]      upload the queued jobs here until none is left; with --forever keep
                       running and take new jobs as they come (the agent on build machines:
                       SIGTERM, as a service manager sends, stops it with status 0)

Options:
  --json               list: one JSON document {"workspace", "jobs"}; a job action: {"workspace",
                       "job"}; run: JSON lines
  --jobs N             run: uploads at once (1 to 16); default: the preference, else
                       several small files side by side and at most two big ones, fewer
                       while the server asks to slow down
  --concurrency N      run: parts in flight at once per job (1 to 16, default 4)
  --max-rate RATE      run: cap the bandwidth of all uploads together, e.g. 5MB/s, 5MiB/s,
                       500kB/s or 40Mbit/s; off for none (default: the preference, which
                       \`peridio-desk preferences\` shows and sets)

${EXIT_STATUSES}`;

const ACTIONS = {
  pause: 'jobs.pause',
  resume: 'jobs.resume',
  retry: 'jobs.retry',
  cancel: 'jobs.cancel',
} as const;
type Action = keyof typeof ACTIONS;

function jobLine(job: JobView): string {
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

export const queueCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      jobs: { type: 'string' },
      concurrency: { type: 'string' },
      'max-rate': { type: 'string' },
      forever: { type: 'boolean' },
      status: { type: 'string' },
    });
    const [verb, id, ...extra] = words;
    const json = values.json === true;
    if (extra.length > 0) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    if (verb === 'list') {
      if (id) throw new UsageError('queue list takes no JOB_ID');
      // The contract checks each status; the words of a wrong one are its.
      const statuses = values.status?.split(',').map((status) => status.trim()) as
        JobView['status'][] | undefined;
      // Looking only: works on a queue this user cannot write, or on a full disk.
      return withService({ engine: { readOnlyQueue: true } }, async (service) => {
        const workspace = await announceWorkspace(service, json);
        const jobs = await allPages((cursor) =>
          service.call('jobs.list', {
            limit: 500,
            ...(statuses ? { status: statuses } : {}),
            ...(cursor ? { cursor } : {}),
          }),
        );
        printResult(json, jobs.length ? jobs.map(jobLine).join('\n') : 'The queue is empty.', {
          workspace,
          jobs,
        });
        return EXIT.ok;
      });
    }
    if (verb !== undefined && Object.hasOwn(ACTIONS, verb)) {
      if (!id) {
        throw new UsageError(`queue ${verb} needs a JOB_ID (see \`peridio-desk queue list\`)`);
      }
      return withService({}, async (service) => {
        const workspace = await announceWorkspace(service, json);
        const job = await service.call(ACTIONS[verb as Action], { id });
        printResult(json, jobLine(job), { workspace, job });
        return EXIT.ok;
      });
    }
    if (verb === 'run') {
      if (id) throw new UsageError('queue run takes no JOB_ID');
      return runQueue(values.forever === true, json, {
        jobConcurrency: jobConcurrencyOption(values.jobs),
        partConcurrency: partConcurrencyOption(values.concurrency),
        maxRate: maxRateOption(values['max-rate']),
      });
    }
    throw new UsageError(verb ? `unknown queue action "${verb}"` : 'say what to do with the queue');
  },
};

async function runQueue(
  forever: boolean,
  json: boolean,
  {
    jobConcurrency,
    partConcurrency,
    maxRate,
  }: { jobConcurrency?: number; partConcurrency?: number; maxRate?: string },
): Promise<number> {
  const printer = createProgressPrinter({ json });
  let failures = 0;
  return withService(
    {
      ...(jobConcurrency !== undefined ? { jobConcurrency } : {}),
      ...(partConcurrency !== undefined ? { partConcurrency } : {}),
      ...(maxRate !== undefined ? { maxRate } : {}),
      listener: (event) => {
        printer.event(event);
        if (event.name !== 'job:ended') return;
        const { job } = event.payload;
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
      },
    },
    async (service) => {
      const workspace = await announceWorkspace(service, json);
      await announceRateCap(service, json);
      const running = service.runJobs({ forever });
      const signal = await Promise.race([running.then(() => undefined), waitForShutdownSignal()]);
      if (signal) {
        service.stopJobs();
        await running;
      }
      printer.line(failures > 0 ? `finished with ${failures} failed job(s)` : 'finished', {
        event: 'done',
        failed: failures,
        ...(signal ? { signal } : {}),
        workspace,
      });
      if (failures > 0) return EXIT.failed;
      if (!signal) return EXIT.ok;
      // The agent (--forever) runs until it is stopped; a run that had jobs to finish was
      // interrupted, and they stay queued.
      if (forever) return stoppedStatus(signal);
      return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
    },
  );
}
