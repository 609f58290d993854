// `peridio-desk watch`: the agent of build machines. Watches the rules' folders and uploads
// each finished build output, running the queue here until Ctrl+C or SIGTERM. `--check`
// only reads a rules file and says what each rule would do, or what is wrong with it.
import type { WatchRule } from '../settings/index.js';
import type { WatchRuleView } from '../../src-preload/contract.js';
import { DeskCommandError } from '../service/index.js';
import { EXIT, UsageError, stoppedStatus, type CliCommand } from './command.js';
import {
  jobConcurrencyOption,
  maxRateOption,
  parseOptions,
  partConcurrencyOption,
} from './options.js';
import { announceRateCap, announceWorkspace, openService, withService } from './session.js';
import { waitForShutdownSignal } from './shutdown.js';
import { createWatchPrinter } from './watch-printer.js';

const usage = `Usage: peridio-desk watch [--config RULES.json] [options]
       peridio-desk watch --check RULES.json [--json]

Watches the folders the rules name and uploads each file once it is complete (written,
then unchanged for the rule's settle time): hashed, queued, uploaded, verified by the server
and signed. Temporary and partial files (*.tmp, *.part, ~*, hidden files) are left alone;
files already there when watching starts are checked against the queue and the server, so
nothing is uploaded twice. A file is set aside (spooled) when queued, so a build that
cleans its output folder does not break the upload. Runs until Ctrl+C or SIGTERM; the jobs
in flight stop at a checkpoint and go on at the next start (or \`queue run\`).

Options:
  --config RULES.json   the rules: {"rules": [{"name", "folder", "target", ...}]}; without it,
                        the watch rules kept in the settings
  --check RULES.json    check the rules file and each rule's signing key (as an upload
                        would, against the workspace), print what each rule does, and
                        exit (status 0 when it is valid, 1 when not)
  --jobs N              uploads at once (1 to 16); default: the preference, else several
                        small files side by side and at most two big ones, fewer while
                        the server asks to slow down
  --concurrency N       parts in flight at once per upload (1 to 16, default 4)
  --max-rate RATE       cap the bandwidth of all uploads together, e.g. 5MB/s, 5MiB/s,
                        500kB/s or 40Mbit/s; off for none (default: the preference, which
                        \`peridio-desk preferences\` shows and sets)
  --json                print one JSON object per line (file:seen, file:ignored,
                        file:conflict, job:queued, job:progress, job:done, job:failed,
                        rule:paused, rule:resumed)

A rule (JSON):
  name                  1 to 64 letters, digits, "-", "_" or "."
  folder                the folder to watch (relative to the rules file)
  recursive             also the subfolders (default true)
  include, exclude      globs on the path in the folder (default include ["**/*"])
  artifactVersionPrn    the artifact version the files go to, or
  artifactVersion       {"artifactPrn": PRN, "fromPath": "regex with (?<version>...)"}
  target                a target triplet, "auto" (from the ELF/PE/Mach-O header), or
                        {"fromPath": "regex with (?<target>...)"}
  signingKey            a key name from \`peridio-desk keys\`, or
                        {"privateKeyPath": FILE, "signingKeyPrn": PRN}
  replace               reset an unsigned binary of the target holding other content
                        (default false: reported as a conflict; signed ones always are)
  spool                 set files aside when queued (default true)
  settleMs              how long a file must stay unchanged (default 2000)
  paused                leave the rule off (default false)

The server is the one PERIDIO_API_KEY (with PERIDIO_BASE_URL) names, else the current
profile (or PERIDIO_PROFILE), else the local workspace.
Exit status: 0 after SIGTERM (how a service manager stops it), 130 after Ctrl+C, 1 on an
error, 2 for a usage mistake or no rules.`;

function describeRule(rule: WatchRule): string {
  const where = `${rule.folder}${rule.recursive ? ' (and subfolders)' : ' (not subfolders)'}`;
  const files = [
    `include ${rule.include.join(', ')}`,
    ...(rule.exclude.length ? [`exclude ${rule.exclude.join(', ')}`] : []),
  ].join('; ');
  const target =
    typeof rule.target === 'string'
      ? rule.target === 'auto'
        ? 'the target from each file’s header'
        : `target ${rule.target}`
      : `the target from the path (${rule.target.fromPath})`;
  const version = rule.artifactVersionPrn
    ? `artifact version ${rule.artifactVersionPrn}`
    : `the version from the path (${rule.artifactVersion!.fromPath}) under ${rule.artifactVersion!.artifactPrn}`;
  const key =
    rule.signingKey === null
      ? 'not signed'
      : rule.signingKey.kind === 'keychain'
        ? `signed with key "${rule.signingKey.name}"`
        : `signed with ${rule.signingKey.privateKeyPath} (${rule.signingKey.signingKeyPrn})`;
  const extra = [
    `settle ${rule.settleMs} ms`,
    rule.spool ? 'spooled' : 'not spooled',
    ...(rule.replace ? ['replaces unsigned binaries'] : []),
    ...(rule.paused ? ['PAUSED'] : []),
  ].join(', ');
  return `${rule.name}: ${where}\n  ${files}\n  ${target}, ${version}\n  ${key}; ${extra}`;
}

async function check(file: string, json: boolean): Promise<number> {
  const checked = await withService({}, (service) => service.checkWatchRulesFile(file));
  if (!checked.ok) {
    const { error } = checked;
    const { problems } = error.details;
    if (json) {
      process.stdout.write(`${JSON.stringify({ event: 'invalid', ...error })}\n`);
    } else {
      const lines = problems.map((p) => {
        const rule =
          p.rule === undefined ? '' : p.rule.startsWith('rule ') ? `${p.rule}` : `rule "${p.rule}"`;
        const field = p.field === '' ? '' : `${rule ? ', ' : ''}field "${p.field}"`;
        return `  ${rule}${field}${rule || field ? ': ' : ''}${p.message}`;
      });
      const head =
        error.code === 'rules_invalid'
          ? `${error.details.filePath ?? file} is not valid:`
          : error.message;
      process.stderr.write(`${[head, ...lines].join('\n')}\n`);
    }
    return 1;
  }
  const { rules } = checked;
  if (json) {
    process.stdout.write(`${JSON.stringify({ event: 'valid', file, rules })}\n`);
  } else {
    const count = `${rules.length} rule${rules.length === 1 ? '' : 's'}`;
    process.stdout.write(`${file} is valid: ${count}\n${rules.map(describeRule).join('\n')}\n`);
  }
  return 0;
}

/**
 * The status for a rules file that cannot be watched, said on stderr: a failure to fix, or,
 * for a file of no rules, a usage mistake (as no rules in the settings is). Other errors go on.
 */
function refuseRulesFile(error: unknown): number {
  if (!(error instanceof DeskCommandError) || !error.data.code.startsWith('rules_')) throw error;
  const empty = error.data.code === 'rules_file_empty';
  const hint = empty ? ' See `peridio-desk watch --help`.' : '';
  process.stderr.write(`peridio-desk watch: ${error.message}${hint}\n`);
  return empty ? EXIT.usage : EXIT.failed;
}

export const watchCommand: CliCommand = {
  usage,
  async run(args) {
    const values = parseOptions(args, {
      config: { type: 'string' },
      check: { type: 'string' },
      json: { type: 'boolean' },
      jobs: { type: 'string' },
      concurrency: { type: 'string' },
      'max-rate': { type: 'string' },
    });
    const json = values.json === true;
    if (values.check !== undefined) {
      if (
        values.config !== undefined ||
        values.jobs !== undefined ||
        values.concurrency ||
        values['max-rate'] !== undefined
      ) {
        throw new UsageError('--check RULES.json takes only --json');
      }
      return check(values.check, json);
    }
    const jobConcurrency = jobConcurrencyOption(values.jobs);
    const partConcurrency = partConcurrencyOption(values.concurrency);
    const maxRate = maxRateOption(values['max-rate']);
    const printer = createWatchPrinter({ json });
    let tellRules: (rules: WatchRuleView[]) => void = () => {};
    // With --config the engine watches the file's rules; without it, the rules kept in the
    // settings, as the app does.
    const service = await openService({
      runQueue: true,
      ...(values.config !== undefined ? { watchRulesFile: values.config } : {}),
      ...(jobConcurrency !== undefined ? { jobConcurrency } : {}),
      ...(partConcurrency !== undefined ? { partConcurrency } : {}),
      ...(maxRate !== undefined ? { maxRate } : {}),
      onWatchEvent: (event) => printer.event(event),
      listener: (event) => {
        if (event.name === 'watch:changed') tellRules(event.payload.rules);
      },
    }).catch(refuseRulesFile);
    if (typeof service === 'number') return service;
    let signal: NodeJS.Signals;
    try {
      // Listening before the ready line, so a signal right after it is not missed.
      const shutdown = waitForShutdownSignal();
      const workspace = await announceWorkspace(service, json);
      await announceRateCap(service, json);
      const looked = new Promise<WatchRuleView[]>((resolve) => {
        tellRules = (views) => {
          if (!views.some((view) => view.status === 'starting')) resolve(views);
        };
      });
      const rules = await service.call('watch.list');
      if (rules.length === 0) {
        process.stderr.write(
          'peridio-desk watch: there are no watch rules in the settings. Give a rules file with --config RULES.json (see `peridio-desk watch --help`).\n',
        );
        return EXIT.usage;
      }
      tellRules(rules);
      for (const view of await looked) {
        if (view.status !== 'stopped') continue;
        printer.line(`rule "${view.settings.name}" is not watched: ${view.reason}`, {
          event: 'rule:stopped',
          rule: view.settings.name,
          reason: view.reason,
        });
      }
      printer.line(`watching ${rules.length} rule${rules.length === 1 ? '' : 's'}; Ctrl+C stops`, {
        event: 'watch:ready',
        workspace,
        rules: rules.map((r) => r.settings.name),
      });
      signal = await shutdown;
    } finally {
      // The files being taken in are queued first; jobs in flight stop at a checkpoint.
      await service.close();
    }
    printer.line('stopped; queued uploads go on at the next start', { event: 'watch:stopped' });
    return stoppedStatus(signal);
  },
};
