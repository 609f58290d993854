// The watch commands' inputs at the contract's door: a rule as the list shows it can be sent
// back as it is (an edit form's round trip), and hostile or random payloads are refused with
// a message naming the field, before the engine does anything.
import { describe, expect, it } from 'vitest';
import {
  checkCommandInput,
  commandInputs,
  type CommandName,
  type DeskError,
  type WatchRuleSettingsView,
} from '../../../src-preload/contract.js';
import { junk, random } from './hostile-payloads.js';

const ORG = '11111111-2222-4333-8444-555555555555';
const ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const prn = (type: string) => `prn:1:${ORG}:${type}:${ID}`;

const RULE = {
  name: 'nightly',
  folder: '/builds/out',
  target: 'aarch64-unknown-linux-gnu',
  artifactVersionPrn: prn('artifact_version'),
};

const WATCH_COMMANDS = [
  'watch.list',
  'watch.save',
  'watch.remove',
  'watch.pause',
  'watch.resume',
] as const satisfies readonly CommandName[];

const VALID: Record<(typeof WATCH_COMMANDS)[number], Record<string, unknown>[]> = {
  'watch.list': [{}],
  'watch.save': [
    { rule: RULE },
    { rule: { ...RULE, name: 'renamed' }, editing: 'nightly' },
    {
      rule: {
        name: 'by-path',
        folder: 'C:\\builds\\out',
        recursive: false,
        include: ['**/*.bin', 'images/*.img'],
        exclude: ['debug/**'],
        artifactVersion: { artifactPrn: prn('artifact'), fromPath: '^(?<version>[^/]+)/' },
        target: { fromPath: '^[^/]+/(?<target>[^/]+)/' },
        signingKey: {
          kind: 'file',
          privateKeyPath: '/etc/peridio/release.pem',
          signingKeyPrn: prn('signing_key'),
        },
        replace: true,
        spool: false,
        settleMs: 0,
        paused: true,
      },
    },
    { rule: { ...RULE, target: 'auto', signingKey: { kind: 'keychain', name: 'release-key' } } },
  ],
  'watch.remove': [{ name: 'nightly' }],
  'watch.pause': [{ name: 'nightly' }],
  'watch.resume': [{ name: 'nightly.2' }],
};

function refusal(name: CommandName, input: unknown): DeskError {
  const checked = checkCommandInput(name, input);
  if (checked.ok) throw new Error(`${name} accepted ${JSON.stringify(input)?.slice(0, 300)}`);
  expect(checked.error.code).toBe('invalid_input');
  expect(checked.error.message).toMatch(/nothing was changed/);
  expect(checked.error.message.length).toBeLessThan(2000);
  return checked.error;
}

function expectRefusedNaming(name: CommandName, input: unknown, field: string): DeskError {
  const error = refusal(name, input);
  const fields = (error.fields ?? []).map((f) => f.field);
  expect(
    fields.some((f) => f === field || f.startsWith(`${field}.`)),
    `${JSON.stringify(fields)} should name ${field}`,
  ).toBe(true);
  expect(error.message).toContain(field);
  return error;
}

const save = (rule: Record<string, unknown>) => ({ rule: { ...RULE, ...rule } });

describe('the watch commands’ inputs', () => {
  it('takes every valid example', () => {
    for (const name of WATCH_COMMANDS) {
      for (const input of VALID[name]) {
        expect(checkCommandInput(name, input).ok, `${name} ${JSON.stringify(input)}`).toBe(true);
      }
    }
    expect(checkCommandInput('watch.list', undefined).ok).toBe(true);
  });

  it('takes a rule as the list shows it back, for an edit', () => {
    const shown: WatchRuleSettingsView = {
      name: 'nightly',
      folder: '/builds/out',
      recursive: true,
      include: ['**/*'],
      exclude: [],
      artifactVersionPrn: prn('artifact_version'),
      artifactVersion: null,
      target: 'auto',
      signingKey: null,
      replace: false,
      spool: true,
      settleMs: 2000,
      paused: false,
    };
    const checked = checkCommandInput('watch.save', { rule: shown, editing: 'nightly' });
    expect(checked.ok).toBe(true);
  });

  it.each(WATCH_COMMANDS)('%s refuses unknown keys and prototype tricks', (name) => {
    const valid = VALID[name][0]!;
    for (const extra of [
      { extra: 1 },
      JSON.parse('{"__proto__": {"polluted": true}}') as object,
      { constructor: { prototype: { polluted: true } } },
    ]) {
      expect(refusal(name, { ...valid, ...extra }).message).toMatch(/unknown field/);
    }
    expectRefusedNaming(name, Object.create(valid), 'input');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses unknown keys inside the rule, secrets among them', () => {
    expectRefusedNaming('watch.save', save({ privateKey: '-----BEGIN' }), 'rule');
    expectRefusedNaming(
      'watch.save',
      save({ signingKey: { kind: 'keychain', name: 'k', pem: 'x' } }),
      'rule.signingKey',
    );
  });

  it('refuses wrong types and junk in every field of a rule, naming it', () => {
    const fields = [
      'name',
      'folder',
      'recursive',
      'include',
      'exclude',
      'artifactVersionPrn',
      'artifactVersion',
      'target',
      'signingKey',
      'replace',
      'spool',
      'settleMs',
      'paused',
    ];
    // A field added to the rule must be added here too.
    const shape = (commandInputs['watch.save'].shape.rule as unknown as { shape: object }).shape;
    expect(Object.keys(shape).sort()).toEqual([...fields].sort());
    for (const field of fields) {
      // -12345: a settle time must not be negative; elsewhere any number is the wrong type.
      for (const value of [-12345, { nested: { deep: [1] } }, [[[]]], 'x'.repeat(100_000)]) {
        expectRefusedNaming('watch.save', save({ [field]: value }), `rule.${field}`);
      }
    }
    for (const required of ['name', 'folder', 'target']) {
      const rule: Record<string, unknown> = { ...RULE };
      delete rule[required];
      expectRefusedNaming('watch.save', { rule }, `rule.${required}`);
    }
    expectRefusedNaming('watch.save', {}, 'rule');
    expectRefusedNaming('watch.save', { rule: null }, 'rule');
  });

  it('refuses a relative or malformed folder, and paths with control characters', () => {
    for (const folder of ['builds/out', './out', '../../etc', '~/builds', '', 'C:out']) {
      const error = expectRefusedNaming('watch.save', save({ folder }), 'rule.folder');
      if (folder) expect(error.message).toMatch(/absolute path/);
    }
    expectRefusedNaming('watch.save', save({ folder: '/builds/\u0000x' }), 'rule.folder');
    expectRefusedNaming('watch.save', save({ folder: '/builds/out\n' }), 'rule.folder');
    expectRefusedNaming('watch.save', save({ folder: `/${'a'.repeat(4096)}` }), 'rule.folder');
    expectRefusedNaming(
      'watch.save',
      save({
        signingKey: {
          kind: 'file',
          privateKeyPath: 'keys/k.pem',
          signingKeyPrn: prn('signing_key'),
        },
      }),
      'rule.signingKey.privateKeyPath',
    );
  });

  it('wants exactly one artifact version, of the right PRN type', () => {
    const both = expectRefusedNaming(
      'watch.save',
      save({ artifactVersion: { artifactPrn: prn('artifact'), fromPath: '(?<version>.+)' } }),
      'rule.artifactVersionPrn',
    );
    expect(both.message).toMatch(/both artifactVersionPrn and artifactVersion are given/);
    const neither = expectRefusedNaming(
      'watch.save',
      save({ artifactVersionPrn: null }),
      'rule.artifactVersionPrn',
    );
    expect(neither.message).toMatch(/artifactVersion/);
    for (const type of ['artifact', 'binary', 'signing_key']) {
      expectRefusedNaming(
        'watch.save',
        save({ artifactVersionPrn: prn(type) }),
        'rule.artifactVersionPrn',
      );
    }
    expectRefusedNaming(
      'watch.save',
      save({
        artifactVersionPrn: null,
        artifactVersion: { artifactPrn: prn('artifact_version'), fromPath: 'x' },
      }),
      'rule.artifactVersion.artifactPrn',
    );
    expectRefusedNaming(
      'watch.save',
      save({
        artifactVersionPrn: undefined,
        artifactVersion: { artifactPrn: prn('artifact'), fromPath: 'a\nb' },
      }),
      'rule.artifactVersion.fromPath',
    );
  });

  it('bounds targets, patterns and the settle time', () => {
    for (const target of ['two words', '', 'x'.repeat(129), 'tab\there', { fromPath: 42 }, {}]) {
      expectRefusedNaming('watch.save', save({ target }), 'rule.target');
    }
    expectRefusedNaming('watch.save', save({ include: Array(101).fill('*.bin') }), 'rule.include');
    expectRefusedNaming('watch.save', save({ exclude: ['a\nb'] }), 'rule.exclude.0');
    expectRefusedNaming('watch.save', save({ include: ['x'.repeat(1025)] }), 'rule.include.0');
    expectRefusedNaming('watch.save', save({ include: '**/*.bin' }), 'rule.include');
    for (const settleMs of [-1, 1.5, 600_001, Number.NaN, Infinity, '200']) {
      expectRefusedNaming('watch.save', save({ settleMs }), 'rule.settleMs');
    }
    expect(checkCommandInput('watch.save', save({ settleMs: 600_000 })).ok).toBe(true);
  });

  it('refuses path traversal and special keys where a rule name goes', () => {
    const hostile = [
      '../../etc/passwd',
      '..',
      'a/b',
      'a\\b',
      '__proto__',
      '-rf',
      'a b',
      '',
      'a'.repeat(65),
    ];
    for (const value of hostile) {
      expectRefusedNaming('watch.save', save({ name: value }), 'rule.name');
      expectRefusedNaming('watch.save', { rule: RULE, editing: value }, 'editing');
      for (const name of ['watch.remove', 'watch.pause', 'watch.resume'] as const) {
        expectRefusedNaming(name, { name: value }, 'name');
      }
    }
    expectRefusedNaming(
      'watch.save',
      save({ signingKey: { kind: 'keychain', name: '../secret' } }),
      'rule.signingKey.name',
    );
  });

  it.each(WATCH_COMMANDS)('%s refuses random payloads without throwing', (name) => {
    const next = random(WATCH_COMMANDS.indexOf(name) + 101);
    const valid = VALID[name][0]!;
    const fields =
      name === 'watch.save' ? Object.keys(RULE).concat('include', 'signingKey') : ['name'];
    for (let round = 0; round < 300; round++) {
      const field = fields[Math.floor(next() * fields.length)]!;
      const input =
        next() < 0.3
          ? junk(next)
          : name === 'watch.save'
            ? save({ [field]: junk(next) })
            : { ...valid, [field]: junk(next) };
      const checked = checkCommandInput(name, input);
      if (!checked.ok) expect(checked.error.fields?.length).toBeGreaterThan(0);
    }
  });
});
