// `peridio-desk profiles ...`: the Peridio accounts this machine knows.
import { forgetProfile, hasApiKey, importPeridioCliSettings } from '../settings/index.js';
import { UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { openStores } from './stores.js';

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
    const stores = openStores();
    const { settings, vault } = stores;
    const print = (text: string, json: unknown) =>
      process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
    switch (verb) {
      case 'list': {
        const current = settings.currentProfileName();
        const rows = [];
        for (const profile of settings.listProfiles()) {
          rows.push({
            ...profile,
            current: profile.name === current,
            apiKey: await hasApiKey(vault, profile.name),
          });
        }
        const text = rows.length
          ? rows
              .map(
                (p) =>
                  `${p.current ? '*' : ' '} ${p.name}  ${p.baseUrl}${p.apiKey ? '' : '  (no API key: log in again)'}`,
              )
              .join('\n')
          : 'No profiles: the local workspace is used. Add one with `peridio-desk login`.';
        print(text, rows);
        return 0;
      }
      case 'use':
        if (values.none) {
          settings.useProfile(null);
          print('No current profile: the local workspace is used.', { current: null });
          return 0;
        }
        if (!name) throw new UsageError('profiles use needs a NAME (or --none)');
        settings.useProfile(name);
        print(`"${name}" is now the current profile.`, { current: name });
        return 0;
      case 'remove':
        if (!name) throw new UsageError('profiles remove needs a NAME');
        if (!(await forgetProfile(stores, name))) {
          process.stderr.write(`There is no profile named "${name}".\n`);
          return 1;
        }
        print(`Removed "${name}" and its API key.`, { removed: name });
        return 0;
      case 'import-cli': {
        const report = await importPeridioCliSettings({
          settings,
          vault,
          overwrite: values.overwrite === true,
          ...(values['config-dir'] ? { configDir: values['config-dir'] } : {}),
        });
        const lines = [
          `From ${report.configDir} (${report.layout}):`,
          ...report.profiles.map(
            (p) =>
              `  imported profile ${p.name} (${p.baseUrl}${p.apiKey === 'missing' ? ', no API key' : ''})`,
          ),
          ...report.signingKeys.map((k) => `  imported signing key ${k.name} (${k.signingKeyPrn})`),
          ...report.skipped.map((s) => `  skipped ${s.kind} ${s.name}: ${s.reason}`),
        ];
        print(lines.join('\n'), report);
        return 0;
      }
      default:
        throw new UsageError(
          verb ? `unknown profiles action "${verb}"` : 'say what to do with the profiles',
        );
    }
  },
};
