// `peridio-desk profiles ...`: the Peridio accounts this machine knows.
import type { ProfileView } from '../../src-preload/contract.js';
import { EXIT, UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { askProxyPassword, proxyLine, proxyUrlOption } from './proxy-option.js';
import { readStdin } from './prompt.js';
import { printResult, withService, workspaceLine } from './session.js';

const usage = `Usage: peridio-desk profiles <list|use|remove|set-proxy|import-cli> [NAME] [options]

  list                 the profiles, the current one marked with *, with their proxies
  use NAME             make NAME the current profile (\`use --none\` for the local workspace)
  remove NAME          forget NAME, its API key and its proxy's password (nothing changes
                       on the server)
  set-proxy NAME URL   send NAME's requests through the HTTP proxy at URL: http:// or
                       https://, a host, optionally a port and a user, as
                       http://alice@proxy.example.com:3128. HTTPS_PROXY, HTTP_PROXY and
                       NO_PROXY, when set, win over it. The user's password is asked for
                       (or read from stdin with --password-stdin) and kept in the keychain;
                       given none, a saved one is kept while the user and host stay the same.
                       \`set-proxy NAME --none\` removes the proxy and its password
  import-cli           import the Peridio CLI's profiles and signing keys; keys go to the
                       keychain. --overwrite replaces profiles of the same name,
                       --config-dir DIR reads another folder than the CLI's own

Options:
  --json               print JSON
  --password-stdin     set-proxy: read the proxy password from stdin`;

/** `* prod  https://…  proxy http://alice@proxy:3128 (password in the keychain)` */
function profileLine(p: ProfileView): string {
  return (
    `${p.current ? '*' : ' '} ${p.name}  ${p.baseUrl}` +
    (p.proxyUrl === undefined ? '' : `  ${proxyLine(p)}`) +
    (p.hasApiKey ? '' : '  (no API key: log in again)')
  );
}

/** `profiles set-proxy NAME URL [--password-stdin]`, or `set-proxy NAME --none`. */
async function setProxy(
  name: string | undefined,
  proxyArgument: string | undefined,
  options: { none: boolean; passwordStdin: boolean; json: boolean },
): Promise<number> {
  if (!name) throw new UsageError('profiles set-proxy needs a NAME and a proxy URL (or --none)');
  if (options.none && proxyArgument) {
    throw new UsageError('give either a proxy URL or --none, not both');
  }
  if (options.none && options.passwordStdin) {
    throw new UsageError('--password-stdin goes with a proxy URL, not with --none');
  }
  if (!options.none && !proxyArgument) {
    throw new UsageError(
      'profiles set-proxy needs a proxy URL after the NAME, such as ' +
        'http://proxy.example.com:3128 (or --none to remove the proxy)',
    );
  }
  // Checked before anything is asked, so a typo costs no typing.
  const proxy =
    proxyArgument === undefined ? undefined : proxyUrlOption('the proxy URL', proxyArgument);
  let proxyPassword: string | undefined;
  if (options.passwordStdin) {
    proxyPassword = (await readStdin()).replace(/\r?\n$/, '');
    if (proxyPassword === '') throw new UsageError('--password-stdin: no password came on stdin');
  } else if (proxy !== undefined) {
    proxyPassword = await askProxyPassword(proxy);
  }
  return withService({}, async (service) => {
    const profile = await service.call('profiles.setProxy', {
      name,
      proxyUrl: proxyArgument ?? null,
      ...(proxyPassword === undefined ? {} : { proxyPassword }),
    });
    printResult(
      options.json,
      profile.proxyUrl === undefined
        ? `"${name}" no longer uses a proxy.`
        : `"${name}" now goes through the ${proxyLine(profile)}.`,
      profile,
    );
    return EXIT.ok;
  });
}

export const profilesCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      none: { type: 'boolean' },
      overwrite: { type: 'boolean' },
      'config-dir': { type: 'string' },
      'password-stdin': { type: 'boolean' },
    });
    const [verb, name, ...rest] = words;
    // set-proxy takes a URL after the name; the other actions a name at most.
    const [proxyArgument, ...extra] = verb === 'set-proxy' ? rest : [undefined, ...rest];
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    if (values['password-stdin'] && verb !== 'set-proxy') {
      throw new UsageError('--password-stdin goes with set-proxy');
    }
    const json = values.json === true;
    switch (verb) {
      case 'list':
        return withService({}, async (service) => {
          const profiles = await service.call('profiles.list');
          const text = profiles.length
            ? profiles.map(profileLine).join('\n')
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
      case 'set-proxy':
        return setProxy(name, proxyArgument, {
          none: values.none === true,
          passwordStdin: values['password-stdin'] === true,
          json,
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
