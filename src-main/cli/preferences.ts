// `peridio-desk preferences ...`: the preferences kept in the settings (the bandwidth cap the
// app's Uploads page shows and sets, the stall timeout, the uploads at once), here for build
// machines without the app.
import {
  JOB_CONCURRENCY,
  STALL_TIMEOUT_SECONDS,
  type CommandInput,
  type PreferencesView,
} from '../../src-preload/contract.js';
import { EXIT, UsageError, type CliCommand } from './command.js';
import { jobConcurrencyOption, maxRateOption, parseOptionsAndWords } from './options.js';
import { printResult, withService } from './session.js';

const usage = `Usage: peridio-desk preferences [--json]
       peridio-desk preferences set max-rate RATE [--json]
       peridio-desk preferences set stall-timeout SECONDS [--json]
       peridio-desk preferences set jobs N|auto [--json]

Shows the preferences, or changes one. Commands started afterwards follow a change; one
already running (an agent, the app) keeps its own until it restarts, except that the app's
Uploads page changes the app's cap at once.

  max-rate RATE          the bandwidth cap for all uploads together: a number with a unit
                         per second, e.g. 5MB/s, 5MiB/s, 500kB/s, 40Mbit/s or 40Mbps (MB
                         and Mbit are decimal: 10^6 bytes or bits; MiB is 2^20 bytes); 0,
                         off or unlimited for none. \`--max-rate\` on upload, queue run,
                         watch or dashboard wins over it for that command.
  stall-timeout SECONDS  how long a part PUT may move no bytes before it is cut off and
                         sent again: ${STALL_TIMEOUT_SECONDS.min} to ${STALL_TIMEOUT_SECONDS.max} seconds (${STALL_TIMEOUT_SECONDS.default} unless set). An
                         upload already running keeps the timeout it started with.
  jobs N|auto            uploads at once: ${JOB_CONCURRENCY.min} to ${JOB_CONCURRENCY.max}, or auto (the default) for several
                         small files side by side, at most two big ones, and fewer while
                         the server asks to slow down. \`--jobs\` on queue run, watch or
                         dashboard wins over it for that command.

Options:
  --json                 print the preferences as JSON:
                         {"maxRate": {"bytesPerSecond", "text"}, ..., "stallTimeoutSeconds",
                         "jobConcurrency" (null: auto)}`;

const NAMES = ['max-rate', 'stall-timeout', 'jobs'] as const;
type PreferenceName = (typeof NAMES)[number];

function preferencesText(preferences: PreferencesView): string {
  return [
    `max-rate       ${preferences.maxRate.text}`,
    `stall-timeout  ${preferences.stallTimeoutSeconds} s`,
    `jobs           ${preferences.jobConcurrency ?? 'auto'}`,
  ].join('\n');
}

/** Whole seconds, `60` or `60s`, within the contract's bounds. */
function stallTimeoutWords(text: string): number {
  const seconds = /^\d{1,5}s?$/.test(text) ? Number.parseInt(text, 10) : NaN;
  const { min, max, default: usual } = STALL_TIMEOUT_SECONDS;
  if (!(seconds >= min && seconds <= max)) {
    throw new UsageError(
      `stall-timeout must be a whole number of seconds from ${min} to ${max} (e.g. ${usual}), got "${text}"`,
    );
  }
  return seconds;
}

/** A fixed number of uploads at once, in the words of `preferences set jobs`. */
function jobsWords(text: string): number {
  try {
    return jobConcurrencyOption(text)!;
  } catch {
    const { min, max } = JOB_CONCURRENCY;
    throw new UsageError(
      `jobs must be a whole number of uploads at once from ${min} to ${max}, or auto to let the engine choose, got "${text}"`,
    );
  }
}

/** The change `preferences set NAME VALUE` asks for, checked for the words of the command
 * line; the engine checks it again at its door. */
function changeOf(name: PreferenceName, value: string): CommandInput<'preferences.set'> {
  switch (name) {
    case 'max-rate':
      return { maxRate: maxRateOption(value, 'max-rate')! };
    case 'stall-timeout':
      return { stallTimeoutSeconds: stallTimeoutWords(value) };
    case 'jobs':
      return { jobConcurrency: value === 'auto' ? null : jobsWords(value) };
  }
}

const VALUE_EXAMPLE: Record<PreferenceName, string> = {
  'max-rate': 'a RATE, e.g. 5MB/s',
  'stall-timeout': `SECONDS, e.g. ${STALL_TIMEOUT_SECONDS.default}`,
  jobs: 'N (uploads at once) or auto',
};

export const preferencesCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, { json: { type: 'boolean' } });
    const [verb, name, value, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const json = values.json === true;
    if (verb === undefined) {
      return withService({}, async (service) => {
        const preferences = await service.call('preferences.get');
        printResult(json, preferencesText(preferences), preferences);
        return EXIT.ok;
      });
    }
    if (verb !== 'set') throw new UsageError(`unknown preferences action "${verb}"`);
    if (!NAMES.includes(name as PreferenceName)) {
      throw new UsageError(
        name === undefined
          ? 'say which preference to set: preferences set max-rate RATE, stall-timeout SECONDS, or jobs N|auto'
          : `there is no preference "${name}"; the ones to set are ${NAMES.join(', ')}`,
      );
    }
    const preference = name as PreferenceName;
    if (value === undefined) {
      throw new UsageError(`preferences set ${preference} needs ${VALUE_EXAMPLE[preference]}`);
    }
    const change = changeOf(preference, value);
    return withService({}, async (service) => {
      const preferences = await service.call('preferences.set', change);
      printResult(json, preferencesText(preferences), preferences);
      return EXIT.ok;
    });
  },
};
