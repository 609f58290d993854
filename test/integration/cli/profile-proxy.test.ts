// A profile's proxy from the command line, with the real keychain (npm test runs this inside
// a private D-Bus session with a throwaway gnome-keyring): `login --proxy`, `profiles
// set-proxy` (a password on stdin, --none), `profiles list` showing it without the password,
// and every mistake answered as a usage error that says what was wrong.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyringVault, proxyPasswordAccount } from '../../../src-main/credentials/index.js';
import { startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';
import { runCli } from '../upload-engine/cli-harness.js';

let dir: string;
let server: TestServer;
let env: Record<string, string>;
// The CLI's own keychain service: HOME and the keyring are throwaway here.
const vault = new KeyringVault();
const savedPassword = () => vault.get(proxyPasswordAccount('office'));
const settingsFile = () => readFile(path.join(dir, 'desk', 'config.json'), 'utf8');

beforeAll(async () => {
  dir = await tempDir('profile-proxy-cli-');
  server = await startTestServer();
  env = {
    PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
    PERIDIO_API_KEY: '',
    PERIDIO_BASE_URL: '',
    // The server is on this machine: its requests go straight, whatever proxy a profile names.
    NO_PROXY: '127.0.0.1,localhost',
  };
});

afterAll(async () => {
  await vault.delete(proxyPasswordAccount('office'));
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Each call exits 2 with its message on stderr, never repeating a password. */
async function expectUsageMistakes(mistakes: [string[], string, RegExp][]): Promise<void> {
  for (const [args, stdin, message] of mistakes) {
    const run = await runCli(args, env, stdin);
    expect(run.code, args.join(' ')).toBe(2);
    expect(run.stderr, args.join(' ')).toMatch(message);
    expect(run.stderr).not.toContain('carol:pw');
  }
}

describe('a profile proxy from the command line', () => {
  it('logs in with --proxy: the password to the keychain, the URL without it to the settings', async () => {
    const login = await runCli(
      [
        'login',
        '--profile',
        'office',
        '--base-url',
        server.server.url,
        '--proxy',
        'http://alice:c1i%21pw@127.0.0.1:3128',
      ],
      env,
      `${server.server.apiKey}\n`,
    );
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(await savedPassword()).toBe('c1i!pw');
    const file = await settingsFile();
    expect(JSON.parse(file).profiles.office.proxyUrl).toBe('http://alice@127.0.0.1:3128');
    expect(file).not.toContain('c1i');

    const listed = await runCli(['profiles', 'list', '--json'], env);
    expect(listed.last).toEqual([
      expect.objectContaining({
        name: 'office',
        proxyUrl: 'http://alice@127.0.0.1:3128',
        hasProxyPassword: true,
      }),
    ]);
    const text = await runCli(['profiles', 'list'], env);
    expect(text.lines).toEqual([
      `* office  ${server.server.url}  proxy http://alice@127.0.0.1:3128 (password in the keychain)`,
    ]);
    for (const run of [login, listed, text]) {
      expect(JSON.stringify(run.lines) + run.stderr).not.toMatch(/c1i(!|%21)pw/);
    }
  });

  it('changes the proxy with set-proxy, the password read from stdin', async () => {
    const set = await runCli(
      [
        'profiles',
        'set-proxy',
        'office',
        'https://bob@proxy.corp.example:8443',
        '--password-stdin',
      ],
      env,
      'b0b pw\n',
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.last).toBe(
      '"office" now goes through the proxy https://bob@proxy.corp.example:8443 (password in the keychain).',
    );
    expect(await savedPassword()).toBe('b0b pw');
    expect(await settingsFile()).not.toContain('b0b');

    // Without a password (no terminal to ask on), the saved one stays for the same user and host.
    const port = await runCli(
      ['profiles', 'set-proxy', 'office', 'http://bob@proxy.corp.example:3128', '--json'],
      env,
    );
    expect(port.code).toBe(0);
    expect(port.last).toMatchObject({
      proxyUrl: 'http://bob@proxy.corp.example:3128',
      hasProxyPassword: true,
    });
    expect(await savedPassword()).toBe('b0b pw');
  });

  it('keeps the proxy when logging in again without --proxy', async () => {
    const again = await runCli(
      ['login', '--profile', 'office', '--base-url', server.server.url],
      env,
      `${server.server.apiKey}\n`,
    );
    expect(again.code).toBe(0);
    const listed = await runCli(['profiles', 'list', '--json'], env);
    expect(listed.last[0]).toMatchObject({
      proxyUrl: 'http://bob@proxy.corp.example:3128',
      hasProxyPassword: true,
    });
  });

  it('answers a wrong call or proxy URL with what was wrong, exit 2, before asking anything', async () => {
    await expectUsageMistakes([
      [
        ['profiles', 'set-proxy', 'office', 'socks5://carol:pw@proxy:1080'],
        '',
        /the proxy URL: the proxy URL must start with http:\/\/ or https:\/\/ \(socks5 proxies are not supported\)/,
      ],
      [['profiles', 'set-proxy', 'office', 'http://carol:pw@proxy:3128/path'], '', /has no path/],
      [['profiles', 'set-proxy', 'office'], '', /needs a proxy URL after the NAME/],
      [
        ['profiles', 'set-proxy', 'office', 'http://proxy:3128', '--none'],
        '',
        /either a proxy URL or --none, not both/,
      ],
      [['profiles', 'list', '--password-stdin'], '', /--password-stdin goes with set-proxy/],
      [
        ['login', '--profile', 'office', '--proxy', 'ftp://carol:pw@proxy'],
        'never-read-key\n',
        /--proxy: the proxy URL must start with http:\/\/ or https:\/\//,
      ],
    ]);
  });

  it('refuses a password that does not fit the URL, and an unknown profile, changing nothing', async () => {
    await expectUsageMistakes([
      [
        ['profiles', 'set-proxy', 'office', 'http://proxy:3128', '--password-stdin'],
        'pw\n',
        /proxyPassword: a proxy password needs a user name in the proxy URL/,
      ],
      [
        ['profiles', 'set-proxy', 'office', 'http://carol:pw@proxy:3128', '--password-stdin'],
        'pw\n',
        /either in the URL or in the password field, not both/,
      ],
      [
        ['profiles', 'set-proxy', 'office', 'http://carol@proxy:3128', '--password-stdin'],
        '',
        /no password came on stdin/,
      ],
    ]);
    const unknown = await runCli(['profiles', 'set-proxy', 'nowhere', 'http://proxy:3128'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no profile named "nowhere". Profiles: office.');
    const listed = await runCli(['profiles', 'list', '--json'], env);
    expect(listed.last[0]).toMatchObject({ proxyUrl: 'http://bob@proxy.corp.example:3128' });
    expect(await savedPassword()).toBe('b0b pw');
  });

  it('removes the proxy and its password with --none', async () => {
    const removed = await runCli(['profiles', 'set-proxy', 'office', '--none'], env);
    expect(removed.code).toBe(0);
    expect(removed.last).toBe('"office" no longer uses a proxy.');
    expect(await savedPassword()).toBeNull();
    const listed = await runCli(['profiles', 'list', '--json'], env);
    expect(listed.last[0]).not.toHaveProperty('proxyUrl');
    expect(listed.last[0].hasProxyPassword).toBe(false);
    expect(JSON.parse(await settingsFile()).profiles.office).not.toHaveProperty('proxyUrl');
  });
});
