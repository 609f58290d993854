// A watch rules file on disk: missing, unreadable, broken JSON (with where), relative paths
// taken from the file's folder, and saving that replaces the file whole.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RulesFileError,
  loadRulesFile,
  parseWatchRules,
  saveRulesFile,
  type WatchRule,
} from '../../../src-main/watch/index.js';
import { ARTIFACT_PRN, SIGNING_KEY_PRN, VERSION_PRN, nightlyRule } from './watch-rule-fixtures.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'watch-rules-'));
  file = path.join(dir, 'rules.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(filePath = file): Promise<RulesFileError> {
  try {
    await loadRulesFile(filePath);
  } catch (error) {
    expect(error).toBeInstanceOf(RulesFileError);
    return error as RulesFileError;
  }
  throw new Error('expected the rules file to be refused');
}

describe('loadRulesFile', () => {
  it('loads the rules, taking relative paths from the file’s folder', async () => {
    await writeFile(
      file,
      JSON.stringify({
        rules: [
          nightlyRule({ folder: 'out' }),
          nightlyRule({
            name: 'by-version',
            folder: '../elsewhere',
            artifactVersionPrn: undefined,
            artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+)/' },
            signingKey: { privateKeyPath: 'keys/release.pem', signingKeyPrn: SIGNING_KEY_PRN },
          }),
        ],
      }),
    );
    const rules = await loadRulesFile(file);
    expect(rules.map((rule) => rule.folder)).toEqual([
      path.join(dir, 'out'),
      path.join(path.dirname(dir), 'elsewhere'),
    ]);
    expect(rules[1]?.signingKey).toEqual({
      kind: 'file',
      privateKeyPath: path.join(dir, 'keys', 'release.pem'),
      signingKeyPrn: SIGNING_KEY_PRN,
    });
  });

  it('takes a file that starts with a byte order mark, as Notepad writes it', async () => {
    await writeFile(file, `\uFEFF${JSON.stringify({ rules: [nightlyRule()] })}`);
    expect(await loadRulesFile(file)).toHaveLength(1);
  });

  it('says when the file does not exist, and how to make one', async () => {
    const missing = path.join(dir, 'nope.json');
    const error = await loadError(missing);
    expect(error.code).toBe('rules_file_missing');
    expect(error.filePath).toBe(missing);
    expect(error.message).toBe(
      `The watch rules file "${missing}" does not exist. Check the path, or create the file ` +
        'with {"rules": [ ... ]}.',
    );
  });

  it('says when the path is a folder', async () => {
    const error = await loadError(dir);
    expect(error.code).toBe('rules_file_unreadable');
    expect(error.message).toContain(`"${dir}" is a folder, not a file`);
  });

  it.each([
    ['a trailing comma', '{\n  "rules": [\n    {"name": "a"},\n  ]\n}\n', 'line 4, column 3'],
    ['single quotes', "{\n  'rules': []\n}", 'line 2, column 3'],
    ['a missing comma', '{"rules": [\n  {"name": "a"}\n  {"name": "b"}\n]}', 'line 3, column 3'],
    ['a comment', '{\n  // nightly builds\n  "rules": []\n}', 'line 2, column 3'],
    ['a cut-short file', '{"rules": [', 'line 1, column 12'],
  ])('says where the JSON goes wrong with %s', async (_what, text, place) => {
    await writeFile(file, text);
    const error = await loadError();
    expect(error.code).toBe('rules_file_not_json');
    expect(error.message).toContain(
      `The watch rules file "${file}" is not valid JSON at ${place} (`,
    );
    expect(error.message).toContain('Fix it and load it again');
  });

  it('names the file, the rule and the field of a rule that is not valid', async () => {
    await writeFile(file, JSON.stringify({ rules: [nightlyRule({ target: 'aarch64 linux' })] }));
    const error = await loadError();
    expect(error.code).toBe('rules_invalid');
    expect(error.filePath).toBe(file);
    expect(error.message).toBe(
      `The watch rules file "${file}" is not valid: rule "nightly": target: must be a target ` +
        'triplet such as aarch64-unknown-linux-gnu, "auto", or {"fromPath": "..."}. No rule was ' +
        'loaded; fix the file and load again.',
    );
    expect(error.toJSON().details).toEqual({
      filePath: file,
      problems: [{ rule: 'nightly', field: 'target', message: expect.any(String) }],
    });
  });

  it('refuses a file that does not hold {"rules": [...]}', async () => {
    await writeFile(file, JSON.stringify([nightlyRule()]));
    expect((await loadError()).message).toContain(
      'is not valid: the file must hold {"rules": [ ... ]}, one object per rule.',
    );
  });
});

describe('saveRulesFile', () => {
  const rules = (): WatchRule[] =>
    parseWatchRules({
      rules: [
        nightlyRule(),
        nightlyRule({
          name: 'by-version',
          folder: '/builds/versions',
          artifactVersionPrn: undefined,
          artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+)/' },
          target: { fromPath: '/(?<target>[^/]+)/[^/]+$' },
          signingKey: { privateKeyPath: '/keys/release.pem', signingKeyPrn: SIGNING_KEY_PRN },
          paused: true,
        }),
        { name: 'defaults', folder: '/x', artifactVersionPrn: VERSION_PRN, target: 'auto' },
      ],
    });

  it('writes rules that load back equal', async () => {
    await saveRulesFile(file, rules());
    expect(await loadRulesFile(file)).toEqual(rules());
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ rules: rules() });
  });

  it('replaces an existing file whole and leaves no temporary file behind', async () => {
    await writeFile(file, '{"rules": []}');
    await saveRulesFile(file, rules());
    await saveRulesFile(file, rules().slice(0, 1));
    expect(await loadRulesFile(file)).toEqual(rules().slice(0, 1));
    expect(await readdir(dir)).toEqual(['rules.json']);
  });

  it('makes the folder it goes in', async () => {
    const nested = path.join(dir, 'a', 'b', 'rules.json');
    await saveRulesFile(nested, []);
    expect(await loadRulesFile(nested)).toEqual([]);
  });

  it('refuses rules that are not valid and writes nothing', async () => {
    await mkdir(path.join(dir, 'sub'));
    const bad = [{ ...rules()[0]!, settleMs: -5 }, rules()[0]!];
    const error = await saveRulesFile(file, bad).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RulesFileError);
    expect((error as RulesFileError).message).toBe(
      `The watch rules cannot be saved to "${file}": rule "nightly": settleMs: must be a whole ` +
        'number of milliseconds from 0 to 600000; rule 2: name: "nightly" is also the name of ' +
        'rule 1; give each rule its own name. Nothing was written.',
    );
    expect((await readdir(dir)).sort()).toEqual(['sub']);
  });
});
