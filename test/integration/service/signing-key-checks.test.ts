// A signing key checked before anything is sent, through the desk service as the app calls it,
// with the real keychain and real servers: saving a watch rule whose key is missing from the
// keychain, not the pair of its PRN's registered key, RSA, or of another organization is
// refused naming the key (and no binary is made of the file waiting in its folder); a rule
// saved while the server is away says its key is not checked yet, and so does one kept for
// another organization (its key's private half is checked now); `keys.import` refuses a
// private key that is not the pair of the given PRN's, keeping nothing in the keychain.
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskEvent, JobView } from '../../../src-preload/contract.js';
import { apiKeyAccount, signingKeyAccount } from '../../../src-main/credentials/index.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { publicKeyValue } from '../../../src-main/signing/index.js';
import { testVault } from '../credentials/keyring.js';
import { startTestServer, tempDir, type TestServer } from '../local-peridio/helpers.js';
import { refusalOf } from './refusal.js';

let dir: string;
let folder: string;
let server: TestServer;
/** A second server: an organization of its own. */
let lab: TestServer;
let service: DeskService;
let versionPrn: string;
let goodKeyPrn: string;
const keychain = testVault();
const pems: Record<'other' | 'rsa' | 'lab', string> = { other: '', rsa: '', lab: '' };
let otherKeyPrn: string;
let labKeyPrn: string;

async function writePem(name: string, key: ReturnType<typeof generateKeyPairSync>['privateKey']) {
  const file = path.join(dir, 'keys', `${name}.pem`);
  await writeFile(file, key.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return file;
}

beforeAll(async () => {
  dir = await tempDir('signing-key-checks-');
  folder = path.join(dir, 'builds');
  await mkdir(folder, { recursive: true });
  await mkdir(path.join(dir, 'keys'));
  server = await startTestServer();
  lab = await startTestServer();
  service = await openDeskService({
    dataDir: path.join(dir, 'desk'),
    env: { PERIDIO_CONFIG_DIRECTORY: path.join(dir, 'no-peridio-cli') },
    vault: keychain.vault,
    runQueue: true,
    engine: { pollMs: 100, probeDelayMs: { initial: 100, max: 1000 } },
    watch: { healthPollMs: 100 },
  });
  await service.call('profiles.add', {
    name: 'main',
    baseUrl: server.server.url,
    apiKey: server.server.apiKey,
  });
  await service.call('profiles.use', { name: 'main' });
  const artifact = await service.call('artifacts.create', { name: 'checked-firmware' });
  versionPrn = (
    await service.call('artifactVersions.create', { artifactPrn: artifact.prn, version: '1.0.0' })
  ).prn;
  goodKeyPrn = (await service.call('keys.create', { name: 'good' })).signingKeyPrn;
  // A key kept here whose private half has since gone from the keychain.
  await service.call('keys.create', { name: 'emptied' });
  await keychain.vault.delete(signingKeyAccount('emptied'));

  const other = generateKeyPairSync('ed25519');
  pems.other = await writePem('other', other.privateKey);
  otherKeyPrn = (
    await server.api('POST', '/signing_keys', {
      name: 'other',
      value: publicKeyValue(other.privateKey),
    })
  ).body.signing_key.prn;
  pems.rsa = await writePem('rsa', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
  const labPair = generateKeyPairSync('ed25519');
  pems.lab = await writePem('lab', labPair.privateKey);
  labKeyPrn = (
    await lab.api('POST', '/signing_keys', {
      name: 'lab-key',
      value: publicKeyValue(labPair.privateKey),
    })
  ).body.signing_key.prn;
  // Waiting in the folder: any rule saved for it uploads it at once.
  await writeFile(path.join(folder, 'waiting.bin'), 'a build waiting to be uploaded');
});

afterAll(async () => {
  await service?.close();
  await keychain.cleanup([
    apiKeyAccount('main'),
    apiKeyAccount('away'),
    signingKeyAccount('good'),
    signingKeyAccount('emptied'),
    signingKeyAccount('away-key'),
    signingKeyAccount('imported'),
  ]);
  await server?.stop();
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function binariesOnServer(): Promise<unknown[]> {
  const search = encodeURIComponent(`artifact_version_prn:'${versionPrn}'`);
  return (await server.api('GET', `/binaries?search=${search}`)).body.binaries;
}

/** A signing key PRN of the workspace's organization that the server does not have. */
const unregisteredPrn = () =>
  goodKeyPrn.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');

const RULE = () => ({
  name: 'builds',
  folder,
  target: 'arm',
  artifactVersionPrn: versionPrn,
  settleMs: 100,
});

describe('saving a watch rule', () => {
  it('refuses a missing, mismatched, RSA or foreign signing key, naming it, and nothing is uploaded', async () => {
    const cases: [string, object, string, RegExp][] = [
      [
        'no record',
        { kind: 'keychain', name: 'nowhere' },
        'rule.signingKey.name',
        /no signing key named "nowhere"; the keys are emptied, good/,
      ],
      [
        'no keychain entry',
        { kind: 'keychain', name: 'emptied' },
        'rule.signingKey.name',
        /^The signing key "emptied" cannot be used: .*keychain/,
      ],
      [
        'mismatched',
        { kind: 'file', privateKeyPath: pems.other, signingKeyPrn: goodKeyPrn },
        'rule.signingKey.privateKeyPath',
        new RegExp(
          `^The signing key ${pems.other} \\(${goodKeyPrn}\\) does not match ${goodKeyPrn} \\("good" on the server\\).*Give the private key of that registration`,
        ),
      ],
      [
        'RSA',
        { kind: 'file', privateKeyPath: pems.rsa, signingKeyPrn: goodKeyPrn },
        'rule.signingKey.privateKeyPath',
        /^The signing key .*rsa\.pem .* cannot be used: .*RSA.*Ed25519/,
      ],
      [
        'unregistered',
        { kind: 'file', privateKeyPath: pems.other, signingKeyPrn: unregisteredPrn() },
        'rule.signingKey.privateKeyPath',
        /other\.pem .* cannot be used: .* is not a signing key of the profile "main" .*Register its public key there/,
      ],
      [
        'of another organization',
        { kind: 'file', privateKeyPath: pems.lab, signingKeyPrn: labKeyPrn },
        'rule.signingKey.privateKeyPath',
        new RegExp(
          `^the signing key .*lab\\.pem .* is registered in organization ${lab.server.organizationPrn.split(':')[2]}, but the rule's artifact belongs to organization .*choose a key of that organization`,
        ),
      ],
    ];
    for (const [what, signingKey, field, message] of cases) {
      const refused = await refusalOf(
        service.call('watch.save', { rule: { ...RULE(), signingKey } as never }),
      );
      expect(refused.code, what).toBe('invalid_input');
      expect(refused.fields, what).toEqual([{ field, message: expect.stringMatching(message) }]);
      expect(refused.message, what).toMatch(/nothing was changed\.$/);
      expect(refused.message, what).not.toContain('..');
    }
    expect(await service.call('watch.list')).toEqual([]);
    // Well past the settle time: had any rule been kept, its file would be on the server.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await binariesOnServer()).toEqual([]);
    expect((await service.call('jobs.list', {})).items).toEqual([]);

    // The same rule with a good key uploads the waiting file: the key was what stopped it.
    const ended = jobEnded(path.join(folder, 'waiting.bin'));
    const saved = await service.call('watch.save', {
      rule: { ...RULE(), signingKey: { kind: 'keychain', name: 'good' } },
    });
    expect(saved.lastMessage?.text ?? '').not.toMatch(/could not be checked/);
    expect(await ended).toMatchObject({ status: 'done', binaryState: 'signed' });
    expect(await binariesOnServer()).toHaveLength(1);
    await service.call('watch.remove', { name: 'builds' });
  });

  it('saves a rule while the server is away, saying its key is not checked yet', async () => {
    const away = await startTestServer();
    let stopped = false;
    try {
      await service.call('profiles.add', {
        name: 'away',
        baseUrl: away.server.url,
        apiKey: away.server.apiKey,
      });
      await service.call('profiles.use', { name: 'away' });
      const awayKey = await service.call('keys.create', { name: 'away-key' });
      const artifact = await service.call('artifacts.create', { name: 'away-firmware' });
      const version = await service.call('artifactVersions.create', {
        artifactPrn: artifact.prn,
        version: '1.0.0',
      });
      await away.stop();
      stopped = true;
      const saved = await service.call('watch.save', {
        rule: {
          ...RULE(),
          name: 'away-builds',
          folder: path.join(dir, 'away-out'),
          artifactVersionPrn: version.prn,
          signingKey: { kind: 'keychain', name: 'away-key' },
        },
      });
      expect(saved.settings.signingKey).toEqual({ kind: 'keychain', name: 'away-key' });
      expect(saved.lastMessage?.text).toMatch(
        /^the signing key "away-key" could not be checked against the server yet \(.+\); it is checked again before each upload$/,
      );
      // Offline, what needs no server is still checked: an RSA key is refused.
      const refused = await refusalOf(
        service.call('watch.save', {
          rule: {
            ...RULE(),
            name: 'away-rsa',
            artifactVersionPrn: version.prn,
            signingKey: {
              kind: 'file',
              privateKeyPath: pems.rsa,
              signingKeyPrn: awayKey.signingKeyPrn,
            },
          },
        }),
      );
      expect(refused.fields?.[0]?.message).toMatch(/rsa\.pem.*cannot be used/);
    } finally {
      if (!stopped) await away.stop();
      await service.call('profiles.use', { name: 'main' });
      await service.call('watch.remove', { name: 'away-builds' });
    }
  });
});

describe('a rule kept for another organization', () => {
  it('checks its key’s private half now, and the rest once that workspace is in use', async () => {
    const labOrganization = lab.server.organizationPrn.split(':')[2]!;
    const labVersionPrn = `${lab.server.organizationPrn}:artifact_version:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee`;
    const rule = {
      ...RULE(),
      name: 'lab-builds',
      folder: path.join(dir, 'lab-out'),
      artifactVersionPrn: labVersionPrn,
    };
    const refused = await refusalOf(
      service.call('watch.save', {
        rule: {
          ...rule,
          signingKey: { kind: 'file', privateKeyPath: pems.rsa, signingKeyPrn: labKeyPrn },
        },
      }),
    );
    expect(refused.fields?.[0]?.message).toMatch(/rsa\.pem.*cannot be used/);
    const saved = await service.call('watch.save', {
      rule: {
        ...rule,
        signingKey: { kind: 'file', privateKeyPath: pems.lab, signingKeyPrn: labKeyPrn },
      },
    });
    expect(saved.status).toBe('stopped');
    expect(saved.lastMessage?.text).toMatch(
      new RegExp(
        `^the signing key .*lab\\.pem .* is checked against the server once the workspace of organization ${labOrganization} is in use$`,
      ),
    );
    await service.call('watch.remove', { name: 'lab-builds' });
  });
});

describe('importing a key for a PRN', () => {
  it('refuses a private key that is not the pair of the PRN’s registered key, keeping nothing', async () => {
    const before = await service.call('keys.list');
    const cases: [string, { pem: string; signingKeyPrn: string }, RegExp][] = [
      [
        'mismatched',
        { pem: await readFile(pems.other, 'utf8'), signingKeyPrn: goodKeyPrn },
        new RegExp(`"imported" is not the pair of ${goodKeyPrn} \\("good" on the server\\)`),
      ],
      [
        'RSA',
        { pem: await readFile(pems.rsa, 'utf8'), signingKeyPrn: otherKeyPrn },
        /^The private key given for "imported" cannot be used: This is an RSA private key.*Ed25519/,
      ],
      [
        'unknown',
        {
          pem: await readFile(pems.other, 'utf8'),
          signingKeyPrn: unregisteredPrn(),
        },
        /, given for "imported", is not a signing key of the profile "main" .*Give the PRN its public key was registered as/,
      ],
      [
        'of another organization',
        { pem: await readFile(pems.lab, 'utf8'), signingKeyPrn: labKeyPrn },
        /belongs to organization/,
      ],
    ];
    for (const [what, input, message] of cases) {
      const refused = await refusalOf(service.call('keys.import', { name: 'imported', ...input }));
      expect(refused.message, what).toMatch(message);
      expect(await keychain.vault.get(signingKeyAccount('imported')), what).toBeNull();
    }
    expect(await service.call('keys.list')).toEqual(before);
  });
});

function jobEnded(file: string): Promise<JobView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no job ended for ${file}`));
    }, 20_000);
    const stop = service.subscribe((event: DeskEvent) => {
      if (event.name !== 'job:ended' || event.payload.job.sourcePath !== file) return;
      clearTimeout(timer);
      stop();
      resolve(event.payload.job);
    });
  });
}
