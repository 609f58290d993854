// `peridio-desk preferences ...`: the preferences the app's Uploads page shows and sets, kept
// in the settings, here for build machines without the app.
import type { PreferencesView } from '../../src-preload/contract.js';
import { EXIT, UsageError, type CliCommand } from './command.js';
import { maxRateOption, parseOptionsAndWords } from './options.js';
import { printResult, withService } from './session.js';

const usage = `Usage: peridio-desk preferences [--json]
       peridio-desk preferences set max-rate RATE [--json]

Shows the preferences, or changes one.

  max-rate RATE   the bandwidth cap for all uploads together: a number with a unit per
                  second, e.g. 5MB/s, 5MiB/s, 500kB/s, 40Mbit/s or 40Mbps (MB and Mbit are
                  decimal: 10^6 bytes or bits; MiB is 2^20 bytes); 0, off or unlimited
                  for none. Commands started afterwards follow it; one already running (an
                  agent, the app) keeps its cap until it restarts, and the app's Uploads
                  page changes the app's own at once. \`--max-rate\` on upload, queue run,
                  watch or dashboard wins over it for that command.

Options:
  --json          print the preferences as JSON: {"maxRate": {"bytesPerSecond", "text"}, ...}`;

function preferencesText(preferences: PreferencesView): string {
  return `max-rate  ${preferences.maxRate.text}`;
}

export const preferencesCommand: CliCommand = {
  name: 'preferences',
  summary: 'show or set the preferences (the bandwidth cap)',
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
    if (name !== 'max-rate') {
      throw new UsageError(
        name === undefined
          ? 'say which preference to set: preferences set max-rate RATE'
          : `there is no preference "${name}"; the one to set is max-rate`,
      );
    }
    if (value === undefined)
      throw new UsageError('preferences set max-rate needs a RATE, e.g. 5MB/s');
    // Checked here for the words of the command line; the engine checks it again at its door.
    const maxRate = maxRateOption(value, 'max-rate')!;
    return withService({}, async (service) => {
      const preferences = await service.call('preferences.set', { maxRate });
      printResult(json, preferencesText(preferences), preferences);
      return EXIT.ok;
    });
  },
};
