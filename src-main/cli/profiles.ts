// `peridio-desk profiles ...`: the Peridio accounts this machine knows.
import { EXIT, UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { printResult, withService, workspaceLine } from './session.js';

const usage = `Usage: peridio-desk profiles <list|use|remove|import-cli> [NAME] [options]

  list                 the profiles, the current one marked with *
  use NAME             make NAME the current profile (\`use --none\` for the local workspace)
  remove NAME          forget NAME and its API key (nothing changes on the server)
  import-cli           import the Peridio CLI's profiles and signing keys; keys go to the
                       keychain. --overwrite replaces profiles of the same name,
                       --config-dir DIR reads another folder than the CLI's own

Options:
  --json               print JSON`;

export const profilesCommand: CliCommand = {
  name: 'profiles',
  summary: 'list, choose, remove or import Peridio profiles',
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      none: { type: 'boolean' },
      overwrite: { type: 'boolean' },
      'config-dir': { type: 'string' },
    });
    const [verb, name, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const json = values.json === true;
    switch (verb) {
      case 'list':
        return withService({}, async (service) => {
          const profiles = await service.call('profiles.list');
          const text = profiles.length
            ? profiles
                .map(
                  (p) =>
                    `${p.current ? '*' : ' '} ${p.name}  ${p.baseUrl}${p.hasApiKey ? '' : '  (no API key: log in again)'}`,
                )
                .join('\n')
            : 'No profiles: the local workspace is used. Add one with `peridio-desk login`.';
          printResult(json, text, profiles);
          return EXIT.ok;
        });
      case 'use': {
        if (values.none && name) throw new UsageError('give either NAME or --none, not both');
        if (!values.none && !name) throw new UsageError('profiles use needs a NAME (or --none)');
        // Opening the chosen workspace checks it can be used (its API key is in the keychain);
        // when it cannot, the current profile stays as it was.
        return withService({}, async (service) => {
          const workspace = await service.call('profiles.use', {
            name: values.none ? null : name!,
          });
          printResult(
            json,
            values.none
              ? `No current profile: the local workspace is used. ${workspaceLine(workspace)}.`
              : `"${name}" is now the current profile. ${workspaceLine(workspace)}.`,
            { current: values.none ? null : name, workspace },
          );
          return EXIT.ok;
        });
      }
      case 'remove':
        if (!name) throw new UsageError('profiles remove needs a NAME');
        return withService({}, async (service) => {
          const { removed } = await service.call('profiles.remove', { name });
          if (!removed) {
            process.stderr.write(`There is no profile named "${name}".\n`);
            return EXIT.failed;
          }
          printResult(json, `Removed "${name}" and its API key.`, { removed: name });
          return EXIT.ok;
        });
      case 'import-cli': {
        const configDir = values['config-dir'];
        // The Peridio CLI's own variable names its folder, for the engine as for that CLI.
        const env = configDir
          ? { ...process.env, PERIDIO_CONFIG_DIRECTORY: configDir }
          : process.env;
        return withService({ env }, async (service) => {
          const report = await service.call('profiles.importCli', {
            overwrite: values.overwrite === true,
          });
          const lines = [
            `From ${report.configDir} (${report.layout}):`,
            ...report.profiles.map(
              (p) =>
                `  imported profile ${p.name} (${p.baseUrl}${p.apiKey === 'missing' ? ', no API key' : ''})`,
            ),
            ...report.signingKeys.map(
              (k) => `  imported signing key ${k.name} (${k.signingKeyPrn})`,
            ),
            ...report.skipped.map((s) => `  skipped ${s.kind} ${s.name}: ${s.reason}`),
          ];
          printResult(json, lines.join('\n'), report);
          return EXIT.ok;
        });
      }
      default:
        throw new UsageError(
          verb ? `unknown profiles action "${verb}"` : 'say what to do with the profiles',
        );
    }
  },
};
