// The contract's door: every command's valid input passes, and random or hostile payloads
// (wrong types, extra keys, __proto__, huge strings, nested junk, PRNs of the wrong type, path
// traversal where a name goes) are refused with a message that names the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  checkCommandInput,
  commandInputs,
  isPrn,
  type CommandName,
  type DeskError,
} from '../../../src-preload/contract.js';
import { junk, random } from './hostile-payloads.js';

const ORG = '11111111-2222-4333-8444-555555555555';
const ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const prn = (type: string) => `prn:1:${ORG}:${type}:${ID}`;

/** One valid input per command; a new command without one fails the first test. */
const VALID: Record<CommandName, Record<string, unknown>[]> = {
  'workspace.get': [{}],
  'workspace.checkConnection': [{}],
  'profiles.list': [{}],
  'profiles.add': [
    { name: 'prod', baseUrl: 'https://api.cremini.peridio.com', apiKey: 'abc123' },
    { name: 'lab.1', baseUrl: 'http://127.0.0.1:4000', apiKey: 'k', caPath: '/etc/ca.pem' },
    { name: 'office', baseUrl: 'https://a.example', apiKey: 'k', proxyUrl: 'http://proxy:3128' },
    {
      name: 'office',
      baseUrl: 'https://a.example',
      apiKey: 'k',
      proxyUrl: 'https://alice@proxy.example.com',
      proxyPassword: 's3cret pass',
    },
  ],
  'profiles.use': [{ name: 'prod' }, { name: null }],
  'profiles.remove': [{ name: 'prod' }],
  'profiles.setProxy': [
    { name: 'prod', proxyUrl: 'http://proxy.example.com:3128' },
    { name: 'prod', proxyUrl: null },
    { name: 'prod', proxyUrl: 'http://alice:s3cret@[::1]:3128/' },
    { name: 'prod', proxyUrl: 'HTTP://alice@10.0.0.1:8080', proxyPassword: 'p@ss:word' },
  ],
  'profiles.importCli': [{}, { overwrite: true }],
  'artifacts.list': [{}, { cursor: 'opaque-cursor' }],
  'artifacts.create': [{ name: 'firmware' }, { name: 'firmware', description: 'the main image' }],
  'artifacts.find': [{ artifact: 'firmware' }, { artifact: prn('artifact') }],
  'artifactVersions.list': [{ artifactPrn: prn('artifact') }],
  'artifactVersions.create': [{ artifactPrn: prn('artifact'), version: '1.2.3' }],
  'artifactVersions.find': [
    { artifact: 'firmware', version: '1.2.3' },
    { artifact: prn('artifact'), version: '1.2.3' },
  ],
  'binaries.list': [
    { artifactVersionPrn: prn('artifact_version') },
    { artifactVersionPrn: prn('artifact_version'), cursor: 'c', limit: 100 },
  ],
  'binaries.get': [{ prn: prn('binary') }],
  'binaries.markComplete': [{ prn: prn('binary') }],
  'binaries.reset': [{ prn: prn('binary') }],
  'binaries.sign': [
    { prn: prn('binary'), signingKey: { kind: 'keychain', name: 'release-key' } },
    {
      prn: prn('binary'),
      signingKey: {
        kind: 'file',
        privateKeyPath: '/keys/a.pem',
        signingKeyPrn: prn('signing_key'),
      },
    },
  ],
  'binaries.affectedReleases': [{ prn: prn('binary') }],
  'binaries.destroy': [
    { prn: prn('binary'), confirmTarget: 'aarch64-unknown-linux-gnu' },
    { prn: prn('binary'), confirmTarget: 'x86_64', disableReleasePrns: [prn('release')] },
  ],
  'uploads.detectTarget': [{ path: '/builds/out/firmware.elf' }],
  'uploads.enqueue': [
    { path: 'out/fw.img', artifactVersionPrn: prn('artifact_version'), target: 'arm' },
    {
      path: '/out/fw.img',
      artifactVersionPrn: prn('artifact_version'),
      target: 'aarch64-unknown-linux-gnu',
      signingKey: { kind: 'keychain', name: 'k1' },
      replace: true,
    },
    {
      path: '/out/fw.img',
      artifactVersionPrn: prn('artifact_version'),
      target: 'arm',
      signingKey: null,
    },
  ],
  'jobs.list': [
    {},
    { status: ['queued', 'failed'], workspace: 'all', cursor: '1200', limit: 500 },
    { workspace: 'profile:prod', limit: 1 },
  ],
  'jobs.pause': [{ id: ID }],
  'jobs.resume': [{ id: ID }],
  'jobs.retry': [{ id: ID }],
  'jobs.cancel': [{ id: ID }],
  'binaries.resumeUpload': [{ prn: prn('binary') }],
  'keys.list': [{}],
  'keys.import': [
    { name: 'release-key', pem: '-----BEGIN PRIVATE KEY-----\n...' },
    {
      name: 'release-key',
      pem: '-----BEGIN PRIVATE KEY-----\n...',
      signingKeyPrn: prn('signing_key'),
    },
  ],
  'keys.create': [{ name: 'release-key' }],
  'keys.remove': [{ name: 'release-key' }],
  'keys.check': [
    { signingKey: { kind: 'keychain', name: 'release-key' } },
    {
      signingKey: {
        kind: 'file',
        privateKeyPath: '/keys/a.pem',
        signingKeyPrn: prn('signing_key'),
      },
    },
  ],
  'watch.list': [{}],
  'watch.save': [
    {
      rule: {
        name: 'nightly',
        folder: '/builds/out',
        target: 'aarch64-unknown-linux-gnu',
        artifactVersionPrn: prn('artifact_version'),
      },
    },
  ],
  'watch.remove': [{ name: 'nightly' }],
  'watch.pause': [{ name: 'nightly' }],
  'watch.resume': [{ name: 'nightly' }],
  'preferences.get': [{}],
  'preferences.set': [
    {},
    { maxRate: '5MB/s' },
    { maxRate: '40Mbps' },
    { maxRate: 'off' },
    { stallTimeoutSeconds: 5 },
    { stallTimeoutSeconds: 3600, maxRate: '1MB/s' },
    { jobConcurrency: 1 },
    { jobConcurrency: 16 },
    { jobConcurrency: null },
  ],
};

function refusal(name: CommandName, input: unknown): DeskError {
  const checked = checkCommandInput(name, input);
  if (checked.ok) {
    throw new Error(`${name} accepted ${JSON.stringify(input)?.slice(0, 200)}`);
  }
  expect(checked.error.code).toBe('invalid_input');
  expect(checked.error.message).toMatch(/nothing was changed/);
  expect(checked.error.message.length).toBeLessThan(2000);
  return checked.error;
}

function expectRefusedNaming(name: CommandName, input: unknown, field: string): void {
  const error = refusal(name, input);
  const fields = (error.fields ?? []).map((f) => f.field);
  expect(fields.some((f) => f === field || f.startsWith(`${field}.`))).toBe(true);
  expect(error.message).toContain(field);
}

const fieldsOf = (name: CommandName): string[] =>
  Object.keys((commandInputs[name] as unknown as { shape: Record<string, unknown> }).shape);

function isOptional(name: CommandName, field: string): boolean {
  const shape = (
    commandInputs[name] as unknown as {
      shape: Record<string, { safeParse(v: unknown): { success: boolean } }>;
    }
  ).shape;
  return shape[field]!.safeParse(undefined).success;
}

describe('the contract', () => {
  it('has a valid example for every command, and each passes', () => {
    expect(Object.keys(VALID).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of COMMAND_NAMES) {
      for (const input of VALID[name]) {
        const checked = checkCommandInput(name, input);
        expect(checked.ok, `${name} ${JSON.stringify(input)}`).toBe(true);
      }
    }
  });

  it('takes no input as {} for commands without fields', () => {
    expect(checkCommandInput('jobs.list', undefined).ok).toBe(true);
    expect(checkCommandInput('artifacts.list', undefined).ok).toBe(true);
    expect(checkCommandInput('binaries.reset', undefined).ok).toBe(false);
  });

  it.each(COMMAND_NAMES)('%s refuses inputs that are not plain objects', (name) => {
    for (const input of [null, 0, 'text', true, [], [VALID[name][0]], new Date(), () => 1]) {
      expectRefusedNaming(name, input, 'input');
    }
    // Fields smuggled through the prototype do not count as fields.
    expectRefusedNaming(name, Object.create(VALID[name][0]!), 'input');
  });

  it.each(COMMAND_NAMES)(
    '%s refuses unknown keys, __proto__ and constructor among them',
    (name) => {
      const valid = VALID[name][0]!;
      for (const extra of [
        { extra: 1 },
        { privateKey: 'sneaky' },
        JSON.parse('{"__proto__": {"polluted": true}}') as object,
        { constructor: { prototype: { polluted: true } } },
      ]) {
        const error = refusal(name, { ...valid, ...extra });
        expect(error.message).toMatch(/unknown field/);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it.each(COMMAND_NAMES)('%s refuses wrong types and junk in every field, naming it', (name) => {
    const valid = VALID[name][0]!;
    for (const field of fieldsOf(name)) {
      const nullable = checkCommandInput(name, { ...valid, [field]: null }).ok;
      const values: unknown[] = [
        12345,
        { nested: { deep: [1, { x: '' }] } },
        [[[]]],
        'x'.repeat(100_000),
        ...(nullable ? [] : [null]),
      ];
      for (const value of values) expectRefusedNaming(name, { ...valid, [field]: value }, field);
      if (!isOptional(name, field)) {
        const rest = { ...valid };
        delete rest[field];
        expectRefusedNaming(name, rest, field);
      }
    }
  });

  it.each(COMMAND_NAMES)('%s refuses random payloads without throwing', (name) => {
    const next = random(COMMAND_NAMES.indexOf(name) + 1);
    const valid = VALID[name][0]!;
    for (let round = 0; round < 200; round++) {
      const field = fieldsOf(name)[Math.floor(next() * fieldsOf(name).length)];
      const input =
        next() < 0.3 || field === undefined
          ? junk(next)
          : {
              ...valid,
              [field]: junk(next),
              ...(next() < 0.3 ? { [`x${round}`]: junk(next) } : {}),
            };
      const checked = checkCommandInput(name, input);
      if (!checked.ok) {
        expect(checked.error.fields?.length).toBeGreaterThan(0);
        continue;
      }
      // What passes is a plain object of the command's own fields only.
      expect(Object.keys(checked.value as object).every((k) => fieldsOf(name).includes(k))).toBe(
        true,
      );
    }
  });

  it('refuses PRNs of the wrong type, and PRN look-alikes', () => {
    const prnFields: [CommandName, string, string][] = [
      ['artifactVersions.list', 'artifactPrn', 'artifact'],
      ['artifactVersions.create', 'artifactPrn', 'artifact'],
      ['binaries.list', 'artifactVersionPrn', 'artifact_version'],
      ['binaries.markComplete', 'prn', 'binary'],
      ['binaries.reset', 'prn', 'binary'],
      ['binaries.sign', 'prn', 'binary'],
      ['binaries.affectedReleases', 'prn', 'binary'],
      ['binaries.destroy', 'prn', 'binary'],
      ['binaries.resumeUpload', 'prn', 'binary'],
      ['uploads.enqueue', 'artifactVersionPrn', 'artifact_version'],
    ];
    const others = ['artifact', 'artifact_version', 'binary', 'signing_key', 'release', 'bundle'];
    for (const [name, field, type] of prnFields) {
      const valid = VALID[name][0]!;
      for (const other of others.filter((t) => t !== type)) {
        expectRefusedNaming(name, { ...valid, [field]: prn(other) }, field);
      }
      for (const lookAlike of [
        `prn:1:${ORG}`,
        `prn:2:${ORG}:${type}:${ID}`,
        `prn:1:${ORG}:${type}:${ID}:extra`,
        `prn:1:not-a-uuid:${type}:${ID}`,
        ` prn:1:${ORG}:${type}:${ID}`,
        `prn:1:${ORG}:${type}:${ID}\n`,
        `prn:1:${ORG}:${type}:../../${ID}`,
      ]) {
        expectRefusedNaming(name, { ...valid, [field]: lookAlike }, field);
      }
    }
    expectRefusedNaming(
      'binaries.destroy',
      { ...VALID['binaries.destroy'][0], disableReleasePrns: [prn('binary')] },
      'disableReleasePrns.0',
    );
    expectRefusedNaming(
      'binaries.sign',
      {
        prn: prn('binary'),
        signingKey: { kind: 'file', privateKeyPath: '/k.pem', signingKeyPrn: prn('release') },
      },
      'signingKey.signingKeyPrn',
    );
    expect(isPrn(prn('binary'), 'binary')).toBe(true);
    expect(isPrn(prn('binary').toUpperCase(), 'binary')).toBe(false);
  });

  it("takes up a binary's upload by the binary PRN only, saying what it wants", () => {
    const missing = refusal('binaries.resumeUpload', {});
    expect(missing.fields).toEqual([
      { field: 'prn', message: expect.stringMatching(/binary PRN/) },
    ]);
    // A job id is not a binary: the engine finds the job itself.
    const byJob = refusal('binaries.resumeUpload', { id: ID });
    expect(byJob.message).toContain('unknown field "id"');
    expect(byJob.fields?.map((f) => f.field)).toContain('prn');
    expectRefusedNaming('binaries.resumeUpload', { prn: ID }, 'prn');
    const artifact = refusal('binaries.resumeUpload', { prn: prn('artifact') });
    expect(artifact.message).toMatch(/^binaries\.resumeUpload was not run: prn: /);
  });

  it('refuses a bandwidth cap it cannot read, saying why with examples', () => {
    const error = refusal('preferences.set', { maxRate: '5 Mb/s' });
    expect(error.fields).toEqual([
      { field: 'maxRate', message: expect.stringMatching(/ambiguous.*5MB\/s.*5Mbit\/s/) },
    ]);
    expect(error.message).toContain('e.g. 5MB/s');
    expectRefusedNaming('preferences.set', { maxRate: 5 }, 'maxRate');
    expectRefusedNaming('preferences.set', { maxRate: 'fast' }, 'maxRate');
  });

  it('refuses a stall timeout that is not whole seconds from 5 to 3600, saying the bounds', () => {
    for (const stallTimeoutSeconds of [4, 0, -60, 3601, 60.5, '60', null, Infinity]) {
      const error = refusal('preferences.set', { stallTimeoutSeconds });
      expect(error.fields, String(stallTimeoutSeconds)).toEqual([
        {
          field: 'stallTimeoutSeconds',
          message: 'the stall timeout must be a whole number of seconds from 5 to 3600, e.g. 60',
        },
      ]);
    }
  });

  it('refuses a number of uploads at once that is not whole from 1 to 16, saying how to adapt', () => {
    for (const jobConcurrency of [0, 17, 2.5, '4', 'auto', Infinity]) {
      const error = refusal('preferences.set', { jobConcurrency });
      expect(error.fields, String(jobConcurrency)).toEqual([
        {
          field: 'jobConcurrency',
          message:
            'the uploads at once must be a whole number from 1 to 16, or null to let the engine choose',
        },
      ]);
    }
  });

  it('refuses path traversal and special keys where a name is expected', () => {
    const nameFields: [CommandName, Record<string, unknown>, string][] = [
      ['profiles.add', VALID['profiles.add'][0]!, 'name'],
      ['profiles.use', VALID['profiles.use'][0]!, 'name'],
      ['profiles.remove', {}, 'name'],
      ['keys.import', VALID['keys.import'][0]!, 'name'],
      ['keys.create', {}, 'name'],
      ['keys.remove', {}, 'name'],
    ];
    const hostile = [
      '../../etc/passwd',
      '..',
      '.',
      'a/b',
      'a\\b',
      '/abs',
      '__proto__',
      '-rf',
      'name with spaces',
      'línea',
      'a'.repeat(65),
      '',
      'a\u0000b',
    ];
    for (const [name, base, field] of nameFields) {
      for (const value of hostile) expectRefusedNaming(name, { ...base, [field]: value }, field);
    }
    expectRefusedNaming(
      'uploads.enqueue',
      { ...VALID['uploads.enqueue'][0], signingKey: { kind: 'keychain', name: '../secret' } },
      'signingKey.name',
    );
  });

  it('bounds strings and refuses control characters in one-line fields', () => {
    expectRefusedNaming('artifacts.create', { name: 'a'.repeat(129) }, 'name');
    expectRefusedNaming(
      'artifacts.create',
      { name: 'fw', description: 'd'.repeat(257) },
      'description',
    );
    expectRefusedNaming('artifacts.create', { name: 'fw\nrm -rf' }, 'name');
    expectRefusedNaming('uploads.detectTarget', { path: '/tmp/\u0000x' }, 'path');
    expectRefusedNaming('uploads.detectTarget', { path: '/'.repeat(4097) }, 'path');
    expectRefusedNaming('keys.import', { name: 'k', pem: 'P'.repeat(16_385) }, 'pem');
    expectRefusedNaming('binaries.list', { ...VALID['binaries.list'][0], limit: 0 }, 'limit');
    expectRefusedNaming('binaries.list', { ...VALID['binaries.list'][0], limit: 1.5 }, 'limit');
    expectRefusedNaming(
      'binaries.list',
      { ...VALID['binaries.list'][0], limit: Number.NaN },
      'limit',
    );
    expectRefusedNaming('jobs.cancel', { id: '../../x' }, 'id');
    expectRefusedNaming(
      'binaries.destroy',
      { ...VALID['binaries.destroy'][0], disableReleasePrns: Array(1001).fill(prn('release')) },
      'disableReleasePrns',
    );
  });

  it('refuses proxy URLs it cannot use, saying what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['corp-proxy:3128', /must start with http:\/\/ or https:\/\/ \(for example/],
      ['socks5://proxy:1080', /must start with http:\/\/ or https:\/\/ \(socks5 proxies/],
      ['http://proxy:3128/path', /a proxy URL has no path/],
      ['http://proxy:3128?x=1', /a proxy URL has no query/],
      ['http://proxy:3128/#top', /a proxy URL has no fragment/],
      ['http://:secret@proxy:3128', /a password but no user name/],
      ['http://proxy:99999', /not a valid URL/],
      ['http://pro xy:3128', /spaces or control characters/],
      ['', /the proxy URL is empty/],
    ];
    for (const [proxyUrl, message] of cases) {
      for (const [name, base] of [
        ['profiles.setProxy', { name: 'prod' }],
        ['profiles.add', { name: 'prod', baseUrl: 'https://a.example', apiKey: 'k' }],
      ] as const) {
        const error = refusal(name, { ...base, proxyUrl });
        expect(error.fields, `${name} ${proxyUrl}`).toEqual([
          { field: 'proxyUrl', message: expect.stringMatching(message) },
        ]);
        // The URL may hold a password: the message never repeats it.
        if (proxyUrl !== '') expect(error.message).not.toContain(proxyUrl);
      }
    }
  });

  it('takes a proxy password only with a user in the URL, and only once', () => {
    const passwordProblem = (input: Record<string, unknown>) =>
      refusal('profiles.setProxy', { name: 'prod', ...input }).fields;
    expect(passwordProblem({ proxyUrl: 'http://proxy:3128', proxyPassword: 'pw' })).toEqual([
      { field: 'proxyPassword', message: expect.stringMatching(/needs a user name/) },
    ]);
    expect(passwordProblem({ proxyUrl: 'http://u:pw@proxy:3128', proxyPassword: 'pw' })).toEqual([
      { field: 'proxyPassword', message: expect.stringMatching(/either in the URL or/) },
    ]);
    expect(passwordProblem({ proxyUrl: null, proxyPassword: 'pw' })).toEqual([
      { field: 'proxyPassword', message: 'a proxy password needs a proxy URL to go with' },
    ]);
    expect(passwordProblem({ proxyUrl: 'http://u@proxy:3128', proxyPassword: '' })).toEqual([
      { field: 'proxyPassword', message: 'the proxy password must not be empty' },
    ]);
    expect(passwordProblem({ proxyUrl: 'http://u@p:1', proxyPassword: 'a\nb' })?.[0]?.field).toBe(
      'proxyPassword',
    );
    const add = refusal('profiles.add', {
      name: 'prod',
      baseUrl: 'https://a.example',
      apiKey: 'k',
      proxyPassword: 'pw',
    });
    expect(add.fields).toEqual([
      { field: 'proxyPassword', message: 'a proxy password needs a proxy URL to go with' },
    ]);
  });

  it('imports nothing but zod, its names and the PRN, proxy URL and rate grammars, so every face (a browser too) can load it', () => {
    const importsOf = (file: string) => {
      const source = readFileSync(
        path.resolve(import.meta.dirname, '../../../src-preload', file),
        'utf8',
      );
      expect(source, file).not.toMatch(/\b(process|Buffer|__dirname|window|document)\./);
      return [
        ...source.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g),
        ...source.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]/g),
        ...source.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]/g),
        ...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
      ].map((match) => match[1]);
    };
    expect([...new Set(importsOf('contract.ts'))]).toEqual([
      'zod',
      './contract-names.js',
      './prn.js',
      './proxy-url.js',
      './rate.js',
    ]);
    // The PRN grammar is shared with the engine's Admin API client, the rate grammar with the
    // settings and the command line: plain code, no library.
    expect(importsOf('prn.ts')).toEqual([]);
    // So are the proxy URL rules, with the settings file.
    expect(importsOf('proxy-url.ts')).toEqual([]);
    expect(importsOf('rate.ts')).toEqual([]);
    // The names file is what the preload bundles: no schema, no library.
    expect(importsOf('contract-names.ts')).toEqual([]);
  });
});
