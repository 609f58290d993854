// The rules a person writes in a watch rules file: what each field takes, its default, and
// the message (naming the rule and the field) for a value it does not take.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RulesFileError,
  parseWatchRules,
  type WatchRuleProblem,
} from '../../../src-main/watch/index.js';
import { ARTIFACT_PRN, SIGNING_KEY_PRN, VERSION_PRN, nightlyRule } from './watch-rule-fixtures.js';

function problemsOf(json: unknown, baseDir?: string): WatchRuleProblem[] {
  try {
    parseWatchRules(json, baseDir === undefined ? {} : { baseDir });
  } catch (error) {
    expect(error).toBeInstanceOf(RulesFileError);
    return (error as RulesFileError).problems;
  }
  throw new Error('expected the rules to be refused');
}

function messageOf(json: unknown): string {
  try {
    parseWatchRules(json);
  } catch (error) {
    expect(error).toBeInstanceOf(RulesFileError);
    return (error as RulesFileError).message;
  }
  throw new Error('expected the rules to be refused');
}

describe('parseWatchRules', () => {
  it('takes the documented example as written', () => {
    expect(parseWatchRules({ rules: [nightlyRule()] })).toEqual([
      {
        name: 'nightly',
        folder: path.resolve('/builds/out'),
        recursive: true,
        include: ['**/*.bin', '**/*.img'],
        exclude: ['**/debug/**'],
        artifactVersionPrn: VERSION_PRN,
        artifactVersion: null,
        target: 'aarch64-unknown-linux-gnu',
        // A key's name alone is short for the keychain key of that name.
        signingKey: { kind: 'keychain', name: 'release-key' },
        replace: false,
        spool: true,
        settleMs: 2000,
        paused: false,
      },
    ]);
  });

  it('fills in the defaults of the fields left out', () => {
    const [rule] = parseWatchRules({
      rules: [
        { name: 'n', folder: '/builds/out/', artifactVersionPrn: VERSION_PRN, target: 'auto' },
      ],
    });
    expect(rule).toEqual({
      name: 'n',
      folder: path.resolve('/builds/out'),
      recursive: true,
      include: ['**/*'],
      exclude: [],
      artifactVersionPrn: VERSION_PRN,
      artifactVersion: null,
      target: 'auto',
      signingKey: null,
      replace: false,
      spool: true,
      settleMs: 2000,
      paused: false,
    });
  });

  it('takes the version and the target from the path, and a key file with its PRN', () => {
    const [rule] = parseWatchRules({
      rules: [
        nightlyRule({
          artifactVersionPrn: undefined,
          artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+)/' },
          target: { fromPath: '^[^/]+/(?<target>[^/]+)/' },
          signingKey: { privateKeyPath: '/keys/release.pem', signingKeyPrn: SIGNING_KEY_PRN },
          recursive: false,
          exclude: [],
          replace: true,
          spool: false,
          settleMs: 0,
          paused: true,
        }),
      ],
    });
    expect(rule).toMatchObject({
      artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+)/' },
      target: { fromPath: '^[^/]+/(?<target>[^/]+)/' },
      signingKey: {
        kind: 'file',
        privateKeyPath: path.resolve('/keys/release.pem'),
        signingKeyPrn: SIGNING_KEY_PRN,
      },
      recursive: false,
      replace: true,
      spool: false,
      settleMs: 0,
      paused: true,
    });
    expect(rule?.artifactVersionPrn).toBeNull();
  });

  it('takes an empty list of rules', () => {
    expect(parseWatchRules({ rules: [] })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a missing name', { name: undefined }, 'name', /the name is missing/],
    ['a name with a space', { name: 'my rule' }, 'name', /a name is 1 to 64 letters/],
    ['a missing folder', { folder: undefined }, 'folder', /the folder is missing/],
    ['a folder that is not text', { folder: 7 }, 'folder', /the folder must be text/],
    [
      'a relative folder',
      { folder: 'builds/out' },
      'folder',
      /"builds\/out" is not an absolute path; use an absolute path such as/,
    ],
    ['recursive as text', { recursive: 'yes' }, 'recursive', /must be true or false/],
    ['include as text', { include: '**/*.bin' }, 'include', /must be a list of glob patterns/],
    ['an empty include', { include: [] }, 'include', /is empty, so the rule would take no file/],
    ['a number in include', { include: ['*.bin', 3] }, 'include', /glob patterns, each as text/],
    ['an empty pattern', { include: [''] }, 'include', /a pattern is empty/],
    [
      'an absolute pattern',
      { include: ['/builds/out/*.bin'] },
      'include',
      /"\/builds\/out\/\*\.bin" starts with "\/".*relative to the folder/,
    ],
    [
      'a pattern with backslashes',
      { exclude: ['debug\\**'] },
      'exclude',
      /holds "\\"; separate folders with "\/" \(also on Windows\)/,
    ],
    [
      'a negated pattern',
      { include: ['!*.log'] },
      'include',
      /list the files to leave out in "exclude"/,
    ],
    ['exclude as an object', { exclude: { a: 1 } }, 'exclude', /must be a list of glob patterns/],
    [
      'an artifact PRN where a version PRN goes',
      { artifactVersionPrn: ARTIFACT_PRN },
      'artifactVersionPrn',
      /expected an artifact_version PRN, got an artifact PRN.*"artifactVersion"/,
    ],
    [
      'a PRN that is not one',
      { artifactVersionPrn: 'v1.2' },
      'artifactVersionPrn',
      /must start with "prn:1:"/,
    ],
    [
      'no version at all',
      { artifactVersionPrn: undefined },
      'artifactVersionPrn',
      /give exactly one of "artifactVersionPrn".*and\s+"artifactVersion"/,
    ],
    [
      'both a version PRN and a version from the path',
      { artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+)/' } },
      'artifactVersionPrn',
      /both artifactVersionPrn and artifactVersion are given; give exactly one/,
    ],
    [
      'artifactVersion as text',
      { artifactVersionPrn: undefined, artifactVersion: '1.2.3' },
      'artifactVersion',
      /must be \{"artifactPrn": "<artifact PRN>", "fromPath": "<regular expression>"\}/,
    ],
    [
      'a version PRN where the artifact PRN goes',
      {
        artifactVersionPrn: undefined,
        artifactVersion: { artifactPrn: VERSION_PRN, fromPath: '(?<version>.+)' },
      },
      'artifactVersion.artifactPrn',
      /expected an artifact PRN, got an artifact_version PRN/,
    ],
    [
      'a version pattern that does not compile',
      {
        artifactVersionPrn: undefined,
        artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+' },
      },
      'artifactVersion.fromPath',
      /is not a valid regular expression \(Invalid regular expression/,
    ],
    [
      'a version pattern without the named group',
      {
        artifactVersionPrn: undefined,
        artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^([^/]+)/' },
      },
      'artifactVersion.fromPath',
      /has no named group "version"; mark the part of the path that is the version with \(\?<version>\.\.\.\)/,
    ],
    [
      'an unknown field in artifactVersion',
      {
        artifactVersionPrn: undefined,
        artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '(?<version>.+)', create: true },
      },
      'artifactVersion',
      /unknown field "create"/,
    ],
    [
      'a target with a space',
      { target: 'aarch64 linux' },
      'target',
      /^must be a target triplet such as aarch64-unknown-linux-gnu, "auto", or \{"fromPath": "..."\}$/,
    ],
    ['an empty target', { target: '' }, 'target', /must be a target triplet/],
    ['a target too long', { target: 'a'.repeat(129) }, 'target', /must be a target triplet/],
    ['a target as a number', { target: 64 }, 'target', /must be a target triplet/],
    [
      'a missing target',
      { target: undefined },
      'target',
      /^is missing; give a target triplet such as/,
    ],
    [
      'a target object of another kind',
      { target: { detect: true } },
      'target',
      /must be a target triplet/,
    ],
    [
      'a target pattern without the named group',
      { target: { fromPath: '^(?<arch>[^/]+)/' } },
      'target.fromPath',
      /has no named group "target"/,
    ],
    [
      'a target pattern that does not compile',
      { target: { fromPath: '(?<target>[a-' } },
      'target.fromPath',
      /is not a valid regular expression/,
    ],
    [
      'a signing key name with a slash',
      { signingKey: 'keys/release' },
      'signingKey.name',
      /^a name is 1 to 64 letters/,
    ],
    [
      'a signing key of no known kind',
      { signingKey: { kind: 'vault', name: 'release' } },
      'signingKey.kind',
      /^must be \{"kind": "keychain", "name": "<key name>"\} or \{"kind": "file", "privateKeyPath"/,
    ],
    ['a signing key as a number', { signingKey: 7 }, 'signingKey', /^must be \{"kind": "keychain"/],
    [
      'a relative private key path',
      { signingKey: { privateKeyPath: 'release.pem', signingKeyPrn: SIGNING_KEY_PRN } },
      'signingKey.privateKeyPath',
      /"release.pem" is not an absolute path; use an absolute path/,
    ],
    [
      'an artifact PRN where the signing key PRN goes',
      { signingKey: { privateKeyPath: '/k.pem', signingKeyPrn: ARTIFACT_PRN } },
      'signingKey.signingKeyPrn',
      /expected a signing_key PRN/,
    ],
    [
      'a private key in the rule',
      { signingKey: { privateKey: 'AAAA', signingKeyPrn: SIGNING_KEY_PRN } },
      'signingKey',
      /^unknown field "privateKey" \(API keys and private keys belong in the OS keychain/,
    ],
    ['replace as text', { replace: 'true' }, 'replace', /must be true or false/],
    ['spool as a number', { spool: 1 }, 'spool', /must be true or false/],
    [
      'a negative settle time',
      { settleMs: -1 },
      'settleMs',
      /must be a whole number of milliseconds from 0 to 600000/,
    ],
    [
      'a fractional settle time',
      { settleMs: 1.5 },
      'settleMs',
      /must be a whole number of milliseconds/,
    ],
    [
      'a settle time over ten minutes',
      { settleMs: 600_001 },
      'settleMs',
      /from 0 to 600000 \(10 minutes\)/,
    ],
    ['paused as text', { paused: 'no' }, 'paused', /must be true or false/],
    ['a typo in a field name', { setleMs: 10 }, '', /^unknown field "setleMs"$/],
  ])('refuses %s, naming the rule and the field', (_what, changes, field, message) => {
    const problems = problemsOf({ rules: [nightlyRule(changes)] });
    const rule = 'name' in changes ? 'rule 1' : 'nightly';
    expect(problems).toContainEqual({ rule, field, message: expect.stringMatching(message) });
    expect(problems.every((problem) => problem.rule === rule)).toBe(true);
  });

  it('says the rule, the field and what to do in one message', () => {
    expect(messageOf({ rules: [nightlyRule({ target: 'aarch64 linux' })] })).toBe(
      'The watch rules are not valid: rule "nightly": target: must be a target triplet such ' +
        'as aarch64-unknown-linux-gnu, "auto", or {"fromPath": "..."}. No rule was loaded; fix ' +
        'them and load again.',
    );
  });

  it('reports every problem of every rule at once, by name or else by position', () => {
    const problems = problemsOf({
      rules: [
        nightlyRule({ settleMs: 'soon' }),
        nightlyRule({ name: 'no spaces please', target: '' }),
        'not a rule',
      ],
    });
    expect(problems).toEqual([
      { rule: 'nightly', field: 'settleMs', message: expect.stringContaining('whole number') },
      { rule: 'rule 2', field: 'name', message: expect.stringContaining('a name is 1 to 64') },
      { rule: 'rule 2', field: 'target', message: expect.stringContaining('target triplet') },
      {
        rule: 'rule 3',
        field: '',
        message: expect.stringContaining('a rule must be an object'),
      },
    ]);
    expect(messageOf({ rules: [{}, nightlyRule({ spool: 0 })] })).toContain(
      'rule 1: name: the name is missing; rule 1: folder: the folder is missing',
    );
  });

  it('refuses two rules of the same name, naming the second by position', () => {
    const problems = problemsOf({
      rules: [nightlyRule(), nightlyRule({ name: 'other' }), nightlyRule({ folder: '/b' })],
    });
    expect(problems).toEqual([
      {
        rule: 'rule 3',
        field: 'name',
        message: '"nightly" is also the name of rule 1; give each rule its own name',
      },
    ]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['a list at the top', [nightlyRule()], '', /the file must hold \{"rules": \[ \.\.\. \]\}/],
    ['text at the top', 'rules', '', /the file must hold \{"rules"/],
    ['null at the top', null, '', /the file must hold \{"rules"/],
    ['no rules', {}, 'rules', /^is missing; it must be a list of rules/],
    [
      'rules as an object',
      { rules: { nightly: nightlyRule() } },
      'rules',
      /^must be a list of rules/,
    ],
    ['an unknown field at the top', { rules: [], version: 2 }, '', /unknown field "version"/],
  ])('refuses %s, saying what the file must hold', (_what, json, field, message) => {
    expect(problemsOf(json)).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it('takes relative paths from the base folder when one is given, and refuses them otherwise', () => {
    const base = path.resolve('/srv/project');
    const json = {
      rules: [
        nightlyRule({
          folder: 'builds/../out',
          signingKey: { privateKeyPath: 'keys/release.pem', signingKeyPrn: SIGNING_KEY_PRN },
        }),
      ],
    };
    const [rule] = parseWatchRules(json, { baseDir: base });
    expect(rule?.folder).toBe(path.join(base, 'out'));
    expect(rule?.signingKey).toEqual({
      kind: 'file',
      privateKeyPath: path.join(base, 'keys', 'release.pem'),
      signingKeyPrn: SIGNING_KEY_PRN,
    });
    expect(problemsOf(json).map((problem) => problem.field)).toEqual([
      'folder',
      'signingKey.privateKeyPath',
    ]);
  });

  it('carries its problems as plain data', () => {
    const error = (() => {
      try {
        parseWatchRules({ rules: [nightlyRule({ spool: 'yes' })] });
      } catch (caught) {
        return caught as RulesFileError;
      }
      throw new Error('expected the rules to be refused');
    })();
    expect(error.code).toBe('rules_invalid');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'rules_invalid',
      message: error.message,
      details: {
        problems: [{ rule: 'nightly', field: 'spool', message: 'must be true or false' }],
      },
    });
  });
});
