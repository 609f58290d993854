// `peridio-desk login`: checks an API key against a Peridio server, then keeps the profile
// in the settings and the key in the OS keychain. The key is never an argument (it would
// show in the process list): it is typed without echo, or piped on stdin.
import path from 'node:path';
import { EXIT, UsageError, type CliCommand } from './command.js';
import { parseOptions } from './options.js';
import { askSecret, readStdin } from './prompt.js';
import { askProxyPassword, proxyUrlOption } from './proxy-option.js';
import { withService } from './session.js';

const usage = `Usage: peridio-desk login --profile NAME [--base-url URL] [--ca-path FILE] [--proxy URL]

Asks for the API key (or reads it from stdin when piped), checks it against the server,
stores it in the OS keychain and makes NAME the current profile.

Options:
  --profile NAME    the profile to create or update
  --base-url URL    default https://api.cremini.peridio.com
  --ca-path FILE    extra CA certificates (PEM) added to the system trust
  --proxy URL       the profile's HTTP proxy: http:// or https://, a host, optionally a
                    port and a user (http://alice@proxy.example.com:3128), whose password
                    is then asked for and kept in the keychain. HTTPS_PROXY, HTTP_PROXY and
                    NO_PROXY, when set, win over it. Logging in again without --proxy keeps
                    the profile's proxy; \`profiles set-proxy\` changes or removes it`;

export const loginCommand: CliCommand = {
  usage,
  async run(args) {
    const values = parseOptions(args, {
      profile: { type: 'string' },
      'base-url': { type: 'string' },
      'ca-path': { type: 'string' },
      proxy: { type: 'string' },
    });
    if (!values.profile) throw new UsageError('--profile NAME is required');
    const name = values.profile;
    const baseUrl = values['base-url'] ?? 'https://api.cremini.peridio.com';
    // Checked before anything is asked, so a typo costs no typing.
    const proxy = values.proxy === undefined ? undefined : proxyUrlOption('--proxy', values.proxy);
    const apiKey = (
      process.stdin.isTTY ? await askSecret(`API key for ${baseUrl}: `) : await readStdin()
    ).trim();
    if (!apiKey) throw new UsageError('no API key was given');
    const proxyPassword = proxy === undefined ? undefined : await askProxyPassword(proxy);
    return withService({}, async (service) => {
      // Checked against the server before anything is kept; logging in again replaces it.
      const profile = await service.call('profiles.add', {
        name,
        baseUrl,
        apiKey,
        ...(values['ca-path'] ? { caPath: path.resolve(values['ca-path']) } : {}),
        ...(values.proxy === undefined ? {} : { proxyUrl: values.proxy }),
        ...(proxyPassword === undefined ? {} : { proxyPassword }),
        replace: true,
      });
      await service.call('profiles.use', { name });
      process.stdout.write(
        `Logged in to ${profile.baseUrl} (organization ${profile.organizationPrn}); "${name}" is now the current profile.\n`,
      );
      return EXIT.ok;
    });
  },
};
