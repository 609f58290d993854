// `peridio-desk upload FILE ...`: queues a file and, unless --no-wait, runs that job here
// until its binary is signed (or signable when no key is given), or until --timeout.
import path from 'node:path';
import type { JobView, SigningKeyChoice } from '../../src-preload/contract.js';
import { EXIT, EXIT_STATUSES, UsageError, type CliCommand } from './command.js';
import { createProgressPrinter, type ProgressPrinter } from './progress-printer.js';
import {
  maxRateOption,
  parseOptionsAndWords,
  partConcurrencyOption,
  wholeNumber,
} from './options.js';
import { announceRateCap, announceWorkspace, withService, type WorkspaceJson } from './session.js';
import { waitForShutdownSignal } from './shutdown.js';

const usage = `Usage: peridio-desk upload FILE --artifact-version PRN --target TARGET [options]
       peridio-desk upload FILE --artifact NAME|PRN --version VERSION --target TARGET [options]

Uploads FILE as the TARGET binary of an artifact version: hashes it, creates (or finds)
the binary, uploads the parts the server does not have yet, waits for the server to
verify the hash and signs it. An interrupted upload resumes where it stopped.

Options:
  --artifact-version PRN        the artifact version (prn:1:<org>:artifact_version:<uuid>), or
  --artifact NAME|PRN           the artifact, by name or PRN, with ...
  --version VERSION             ... its version (see \`peridio-desk versions list\`)
  --target TARGET               e.g. aarch64-unknown-linux-gnu (1 to 128 characters)
  --signing-key NAME            sign with this key from the keychain
  --signing-key-private FILE    or sign with this PKCS#8 PEM private key file ...
  --signing-key-prn PRN         ... registered in Peridio as this signing key
  --replace                     reset an unsigned binary of TARGET that holds other content
  --no-wait                     queue the upload and return; \`queue run\` uploads it
  --timeout SECONDS             give up waiting after SECONDS (exit 75); the job stays queued
  --concurrency N               parts in flight at once (1 to 16, default 4)
  --max-rate RATE               cap the bandwidth, e.g. 5MB/s, 5MiB/s, 500kB/s or 40Mbit/s;
                                off for none (default: the preference, which
                                \`peridio-desk preferences\` shows and sets)
  --json                        print JSON lines (progress, and a final "done" line)

The server is the one PERIDIO_API_KEY (with PERIDIO_BASE_URL) names, else the current
profile (or PERIDIO_PROFILE), else the local workspace; the first line says which.
${EXIT_STATUSES}`;

type SigningValues = {
  'signing-key'?: string | undefined;
  'signing-key-private'?: string | undefined;
  'signing-key-prn'?: string | undefined;
};

/** The signing key the options name: a keychain name, or a PEM file with its PRN. */
export function signingKeyFrom(values: SigningValues): SigningKeyChoice | null {
  const name = values['signing-key'];
  const file = values['signing-key-private'];
  const prn = values['signing-key-prn'];
  if (name !== undefined && (file !== undefined || prn !== undefined)) {
    throw new UsageError(
      'give either --signing-key NAME or --signing-key-private FILE with --signing-key-prn PRN, not both',
    );
  }
  if (name !== undefined) return { kind: 'keychain', name };
  if ((file === undefined) !== (prn === undefined)) {
    throw new UsageError('--signing-key-private FILE and --signing-key-prn PRN go together');
  }
  return file !== undefined && prn !== undefined
    ? { kind: 'file', privateKeyPath: path.resolve(file), signingKeyPrn: prn }
    : null;
}

/** `--artifact-version PRN`, or `--artifact` with `--version`: exactly one of the two. */
function versionChoice(values: {
  'artifact-version'?: string | undefined;
  artifact?: string | undefined;
  version?: string | undefined;
}): { prn: string } | { artifact: string; version: string } {
  const prn = values['artifact-version'];
  const { artifact, version } = values;
  if (prn !== undefined) {
    if (artifact !== undefined || version !== undefined) {
      throw new UsageError(
        'give either --artifact-version PRN or --artifact with --version, not both',
      );
    }
    return { prn };
  }
  if (artifact === undefined && version === undefined) {
    throw new UsageError(
      '--artifact-version PRN is required (or --artifact NAME|PRN with --version VERSION)',
    );
  }
  if (artifact === undefined || version === undefined) {
    throw new UsageError('--artifact NAME|PRN and --version VERSION go together');
  }
  return { artifact, version };
}

export const uploadCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      'artifact-version': { type: 'string' },
      artifact: { type: 'string' },
      version: { type: 'string' },
      target: { type: 'string' },
      'signing-key': { type: 'string' },
      'signing-key-private': { type: 'string' },
      'signing-key-prn': { type: 'string' },
      replace: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      concurrency: { type: 'string' },
      'max-rate': { type: 'string' },
    });
    if (words.length !== 1) throw new UsageError('give exactly one FILE to upload');
    const version = versionChoice(values);
    if (values.target === undefined) throw new UsageError('--target TARGET is required');
    const timeoutSeconds =
      values.timeout === undefined
        ? undefined
        : wholeNumber('--timeout', values.timeout, 1, 7 * 24 * 3600);
    if (timeoutSeconds !== undefined && values['no-wait']) {
      throw new UsageError('--timeout is for waiting; with --no-wait nothing is waited for');
    }
    const json = values.json === true;
    const partConcurrency = partConcurrencyOption(values.concurrency);
    const maxRate = maxRateOption(values['max-rate']);
    const signingKey = signingKeyFrom(values);
    const printer = createProgressPrinter({ json });
    // Set once the job is known; the service tells every job's events, this one's are shown.
    let job: JobView | undefined;
    let ended: () => void = () => {};
    const jobEnded = new Promise<void>((resolve) => (ended = resolve));

    return withService(
      {
        ...(partConcurrency !== undefined ? { partConcurrency } : {}),
        ...(maxRate !== undefined ? { maxRate } : {}),
        listener: (event) => {
          if (!job) return;
          const { payload } = event;
          if ('jobId' in payload && payload.jobId !== job.id) return;
          if ('job' in payload) {
            if (payload.job.id !== job.id) return;
            job = payload.job;
          }
          // A person reads the end once, from report(): the done step says the same words.
          if (!json && event.name === 'job:step' && event.payload.step === 'done') return;
          printer.event(event);
          if (event.name === 'job:ended') ended();
        },
      },
      async (service) => {
        const workspace = await announceWorkspace(service, json);
        const artifactVersionPrn =
          'prn' in version
            ? version.prn
            : (await service.call('artifactVersions.find', version)).prn;
        job = await service.call('uploads.enqueue', {
          path: words[0]!,
          artifactVersionPrn,
          target: values.target!,
          signingKey,
          replace: values.replace === true,
        });
        if (values['no-wait']) {
          printer.line(`queued job ${job.id}; \`peridio-desk queue run\` uploads it`, {
            event: 'job:queued',
            job_id: job.id,
            workspace,
          });
          return EXIT.ok;
        }
        await announceRateCap(service, json);
        printer.line(`queued ${job.request.path} as job ${job.id}`, {
          event: 'job:queued',
          job_id: job.id,
          path: job.request.path,
        });
        // Ctrl+C, SIGTERM or --timeout: the job checkpoints and stays queued for `queue run`.
        const signal = waitForShutdownSignal();
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<'timeout'>((resolve) => {
          if (timeoutSeconds !== undefined) {
            timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000);
          }
        });
        const running = service.runJobs({ onlyJobIds: [job.id] });
        const why = await Promise.race([running.then(() => 'finished' as const), signal, gaveUp]);
        clearTimeout(timer);
        if (why !== 'finished') {
          service.stopJobs();
          await running;
          // The job's own end (interrupted) is told before the run ends; wait a moment for it.
          await Promise.race([jobEnded, new Promise((resolve) => setTimeout(resolve, 100))]);
        }
        return report(job, why, { printer, workspace, timeoutSeconds });
      },
    );
  },
};

function report(
  job: JobView,
  why: 'finished' | 'timeout' | NodeJS.Signals,
  {
    printer,
    workspace,
    timeoutSeconds,
  }: {
    printer: ProgressPrinter;
    workspace: WorkspaceJson;
    timeoutSeconds: number | undefined;
  },
): number {
  if (job.status === 'done') {
    printer.line(`done: ${job.binaryPrn} is ${job.binaryState}`, {
      event: 'done',
      job_id: job.id,
      binary_prn: job.binaryPrn,
      state: job.binaryState,
      workspace,
    });
    return EXIT.ok;
  }
  if (job.status === 'failed') {
    printer.line(`failed: ${job.error?.message}`, {
      event: 'failed',
      job_id: job.id,
      binary_prn: job.binaryPrn,
      error: job.error,
      workspace,
    });
    return EXIT.failed;
  }
  const stays = `job ${job.id} stays ${job.status}; \`peridio-desk queue run\` takes it up where it stopped`;
  if (why === 'timeout') {
    printer.line(`gave up waiting after ${timeoutSeconds} s: ${stays}`, {
      event: 'timeout',
      job_id: job.id,
      status: job.status,
      binary_prn: job.binaryPrn,
      waiting_reason: job.waitingReason,
      workspace,
    });
    return EXIT.gaveUp;
  }
  printer.line(`stopped: ${stays}`, {
    event: 'stopped',
    job_id: job.id,
    status: job.status,
    binary_prn: job.binaryPrn,
    workspace,
  });
  if (why === 'SIGINT') return EXIT.interrupted;
  if (why === 'SIGTERM') return EXIT.terminated;
  return EXIT.failed;
}
