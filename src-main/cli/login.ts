// `peridio-desk login`: checks an API key against a Peridio server, then keeps the profile
// in the settings and the key in the OS keychain. The key is never an argument (it would
// show in the process list): it is typed without echo, or piped on stdin.
import { PeridioClient } from '../peridio/index.js';
import { saveProfile } from '../settings/index.js';
import { UsageError, type CliCommand } from './command.js';
import { parseOptions } from './options.js';
import { askSecret, readStdin } from './prompt.js';
import { openStores } from './stores.js';

const usage = `Usage: peridio-desk login --profile NAME [--base-url URL] [--ca-path FILE]

Asks for the API key (or reads it from stdin when piped), checks it against the server,
stores it in the OS keychain and makes NAME the current profile.

Options:
  --profile NAME    the profile to create or update
  --base-url URL    default https://api.cremini.peridio.com
  --ca-path FILE    extra CA certificates (PEM) added to the system trust`;

export const loginCommand: CliCommand = {
  name: 'login',
  summary: 'add a Peridio profile with its API key (kept in the keychain)',
  usage,
  async run(args) {
    const values = parseOptions(args, {
      profile: { type: 'string' },
      'base-url': { type: 'string' },
      'ca-path': { type: 'string' },
    });
    if (!values.profile) throw new UsageError('--profile NAME is required');
    const stores = openStores();
    const input = {
      name: values.profile,
      baseUrl: values['base-url'] ?? 'https://api.cremini.peridio.com',
      ...(values['ca-path'] ? { caPath: values['ca-path'] } : {}),
    };
    const profile = stores.settings.checkProfile(input);
    const apiKey = (
      process.stdin.isTTY ? await askSecret(`API key for ${profile.baseUrl}: `) : await readStdin()
    ).trim();
    if (!apiKey) throw new UsageError('no API key was given');
    const client = new PeridioClient({
      baseUrl: profile.baseUrl,
      apiKey,
      ...(profile.caPath ? { caPath: profile.caPath } : {}),
    });
    let me;
    try {
      me = await client.users.me();
    } finally {
      client.close();
    }
    await saveProfile(
      stores,
      { ...input, organizationPrn: me.organization_prn },
      { apiKey, replace: true },
    );
    stores.settings.useProfile(profile.name);
    process.stdout.write(
      `Logged in to ${profile.baseUrl} as ${me.email} (${me.organization_prn}); "${profile.name}" is now the current profile.\n`,
    );
    return 0;
  },
};
