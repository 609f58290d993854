// `peridio-desk upload FILE ...`: queues a file and, unless --no-wait, runs that job here
// until its binary is signed (or signable when no key is given).
import path from 'node:path';
import { JobStore, type Job, type SigningKeyRef } from '../queue/index.js';
import { InvalidInputError, checkUploadInput } from '../service/index.js';
import { defaultDataDir } from '../settings/index.js';
import { UsageError, type CliCommand } from './command.js';
import { createProgressPrinter } from './progress-printer.js';
import { parseOptionsAndWords, partConcurrencyOption } from './options.js';
import { waitForShutdownSignal } from './shutdown.js';
import { engineFor, openWorkspace, workspaceName } from './workspace.js';

const usage = `Usage: peridio-desk upload FILE --artifact-version PRN --target TARGET [options]

Uploads FILE as the TARGET binary of an artifact version: hashes it, creates (or finds)
the binary, uploads the parts the server does not have yet, waits for the server to
verify the hash and signs it. An interrupted upload resumes where it stopped.

Options:
  --artifact-version PRN        the artifact version (prn:1:<org>:artifact_version:<uuid>)
  --target TARGET               e.g. aarch64-unknown-linux-gnu (1 to 128 characters)
  --signing-key NAME            sign with this key from the keychain
  --signing-key-private FILE    or sign with this PKCS#8 PEM private key file ...
  --signing-key-prn PRN         ... registered in Peridio as this signing key
  --replace                     reset an unsigned binary of TARGET that holds other content
  --no-wait                     queue the upload and return; \`queue run\` uploads it
  --concurrency N               parts in flight at once (1 to 16, default 4)
  --json                        print JSON lines (progress, and a final "done" line)

The server is the one PERIDIO_API_KEY (with PERIDIO_BASE_URL) names, else the current
profile (or PERIDIO_PROFILE), else the local workspace. Exit status: 0 when the binary is signed (or signable without a key).`;

function signingKeyFrom(values: {
  'signing-key'?: string | undefined;
  'signing-key-private'?: string | undefined;
  'signing-key-prn'?: string | undefined;
}): SigningKeyRef | null {
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

export const uploadCommand: CliCommand = {
  name: 'upload',
  summary: 'upload a file as a binary, then have it verified and signed',
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      'artifact-version': { type: 'string' },
      target: { type: 'string' },
      'signing-key': { type: 'string' },
      'signing-key-private': { type: 'string' },
      'signing-key-prn': { type: 'string' },
      replace: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      json: { type: 'boolean' },
      concurrency: { type: 'string' },
    });
    if (words.length !== 1) throw new UsageError('give exactly one FILE to upload');
    if (values['artifact-version'] === undefined)
      throw new UsageError('--artifact-version PRN is required');
    if (values.target === undefined) throw new UsageError('--target TARGET is required');
    const json = values.json === true;
    const partConcurrency = partConcurrencyOption(values.concurrency);
    const printer = createProgressPrinter({ json });
    const input = {
      path: words[0],
      artifactVersionPrn: values['artifact-version'],
      target: values.target,
      signingKey: signingKeyFrom(values),
      replace: values.replace === true,
    };
    let checked;
    try {
      checked = await checkUploadInput(input);
    } catch (error) {
      if (error instanceof InvalidInputError) throw new UsageError(error.message);
      throw error;
    }

    if (values['no-wait']) {
      const store = JobStore.open(path.join(defaultDataDir(), 'queue.sqlite'));
      try {
        const { file, ...request } = checked;
        const job = store.enqueue({ ...request, workspace: await workspaceName() }, file);
        printer.line(`queued job ${job.id}; \`peridio-desk queue run\` uploads it`, {
          event: 'job:queued',
          job_id: job.id,
        });
      } finally {
        store.close();
      }
      return 0;
    }

    const workspace = await openWorkspace();
    const engine = engineFor(workspace, {
      partConcurrency,
      onEvent: (event) => printer.event(event),
    });
    // Ctrl+C or SIGTERM: the job checkpoints and stays queued for `queue run`.
    void waitForShutdownSignal().then(() => engine.stop());
    let job: Job | undefined;
    try {
      job = await engine.enqueue(input);
      await engine.run({ onlyJobIds: [job.id] });
      job = engine.store.get(job.id);
    } finally {
      await engine.close();
      await workspace.close();
    }
    return report(job, printer);
  },
};

function report(job: Job, printer: ReturnType<typeof createProgressPrinter>): number {
  switch (job.status) {
    case 'done':
      printer.line(`done: ${job.binaryPrn} is ${job.binaryState}`, {
        event: 'done',
        job_id: job.id,
        binary_prn: job.binaryPrn,
        state: job.binaryState,
      });
      return 0;
    case 'failed':
      printer.line(`failed: ${job.error?.message}`, {
        event: 'failed',
        job_id: job.id,
        binary_prn: job.binaryPrn,
        error: job.error,
      });
      return 1;
    default:
      printer.line(
        `stopped with job ${job.id} ${job.status}; \`peridio-desk queue run\` takes it up where it stopped`,
        { event: 'stopped', job_id: job.id, status: job.status, binary_prn: job.binaryPrn },
      );
      return 1;
  }
}
