// `peridio-desk binaries ...`: look at an artifact version's binaries, reset one, or
// destroy one after seeing which releases it would affect.
import { allowedActions } from '../lifecycle/index.js';
import { searchBinaries, type Binary } from '../peridio/index.js';
import { awaitsContent } from '../workflow/index.js';
import { UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { formatBytes } from './progress-printer.js';
import { ask } from './prompt.js';
import { withClient } from './stores.js';

const usage = `Usage: peridio-desk binaries <list|reset|destroy> [PRN] [options]

  list --artifact-version PRN    the binaries of an artifact version
  reset PRN                      delete an unsigned binary's parts so it can be uploaded again
  destroy PRN [--yes]            delete a signed binary's content for good; lists the releases
                                 it would affect and asks you to type its target, unless --yes

Options:
  --json                         print JSON`;

function binaryLine(b: Binary): string {
  const actions = Object.entries(allowedActions(b.state))
    .filter(([, allowed]) => allowed)
    .map(([action]) => action)
    .join(', ');
  // A binary whose upload stopped before its content was declared has no hash to show yet.
  const hash = awaitsContent(b) ? 'pending'.padEnd(13) : `${b.hash.slice(0, 12)}…`;
  return `${b.target.padEnd(32)} ${b.state.padEnd(10)} ${formatBytes(b.size).padStart(10)}  ${hash}  ${b.prn}${actions ? `  [${actions}]` : ''}`;
}

export const binariesCommand: CliCommand = {
  name: 'binaries',
  summary: 'list, reset or destroy binaries',
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      yes: { type: 'boolean' },
      'artifact-version': { type: 'string' },
    });
    const [verb, prn, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const print = (text: string, json: unknown) =>
      process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
    switch (verb) {
      case 'list': {
        const version = values['artifact-version'];
        if (!version) throw new UsageError('binaries list needs --artifact-version PRN');
        return withClient(async (client) => {
          const binaries: Binary[] = [];
          for await (const b of client.binaries.listAll({
            search: searchBinaries().eq('artifact_version_prn', version),
          })) {
            binaries.push(b);
          }
          print(
            binaries.length ? binaries.map(binaryLine).join('\n') : 'No binaries yet.',
            binaries,
          );
          return 0;
        });
      }
      case 'reset':
        if (!prn) throw new UsageError('binaries reset needs a PRN');
        return withClient(async (client) => {
          const binary = await client.binaries.reset(prn);
          print(`Reset ${binary.prn}: its parts are deleted; revision ${binary.revision}.`, binary);
          return 0;
        });
      case 'destroy':
        if (!prn) throw new UsageError('binaries destroy needs a PRN');
        return withClient(async (client) => {
          const binary = await client.binaries.get(prn);
          const affected = await client.releasesAffectedByDestroying(prn);
          const lines = affected.releases.map(
            (r) =>
              `  ${r.required ? 'REQUIRED ' : ''}release ${r.name} (${r.prn})${r.disabled ? ', disabled' : ''}`,
          );
          process.stderr.write(
            affected.releases.length
              ? `Destroying ${binary.target} (${prn}) affects ${affected.releases.length} release(s):\n${lines.join('\n')}\n` +
                  'A required release among them keeps devices from updating. Disable releases first if needed.\n'
              : `No release uses ${binary.target} (${prn}).\n`,
          );
          if (!values.yes) {
            if (!process.stdin.isTTY) {
              throw new UsageError('destroying cannot be undone: confirm with --yes');
            }
            const typed = await ask(
              `Destroying cannot be undone. Type the target (${binary.target}) to confirm: `,
            );
            if (typed.trim() !== binary.target) {
              process.stderr.write('Not destroyed: the target did not match.\n');
              return 1;
            }
          }
          const destroyed = await client.binaries.destroy(prn);
          print(`Destroyed ${destroyed.prn}: its content is gone; the record stays.`, {
            binary: destroyed,
            affected,
          });
          return 0;
        });
      default:
        throw new UsageError(
          verb ? `unknown binaries action "${verb}"` : 'say what to do with the binaries',
        );
    }
  },
};
