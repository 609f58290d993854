// Watch rules kept in the settings file: checked with the rules file's schema on every
// change and every read, in the order they were added, and named in a broken file's message.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SettingsError,
  SettingsFileError,
  openSettings,
  type SettingsStore,
} from '../../../src-main/settings/index.js';
import type { WatchRuleInput } from '../../../src-preload/contract.js';
import { ARTIFACT_PRN, VERSION_PRN, nightlyRule } from '../watch/watch-rule-fixtures.js';

let dir: string;
let settings: SettingsStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'watch-rules-store-'));
  settings = openSettings({ dataDir: dir });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function settingsError(run: () => unknown): SettingsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

function input(changes: Record<string, unknown> = {}): WatchRuleInput {
  return nightlyRule(changes) as unknown as WatchRuleInput;
}

describe('watch rules in the settings', () => {
  it('adds, lists, gets, pauses and removes rules, in the order they were added', async () => {
    expect(settings.listWatchRules()).toEqual([]);
    const nightly = settings.addWatchRule(input());
    expect(nightly).toMatchObject({
      name: 'nightly',
      paused: false,
      folder: resolve('/builds/out'),
    });
    settings.addWatchRule(
      input({
        name: 'a-versions',
        artifactVersionPrn: undefined,
        artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+)/' },
      }),
    );
    expect(settings.listWatchRules().map((rule) => rule.name)).toEqual(['nightly', 'a-versions']);
    expect(settings.getWatchRule('nightly')).toEqual(nightly);
    expect(settings.getWatchRule('constructor')).toBeUndefined();

    expect(settings.setWatchRulePaused('nightly', true).paused).toBe(true);
    // Another process on the same folder sees the same rules.
    expect(openSettings({ dataDir: dir }).getWatchRule('nightly')?.paused).toBe(true);

    expect(settings.removeWatchRule('nightly')).toBe(true);
    expect(settings.removeWatchRule('nightly')).toBe(false);
    const content = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(content.watchRules.map((rule: { name: string }) => rule.name)).toEqual(['a-versions']);
  });

  it('refuses a second rule of the same name unless replacing, which keeps its place', () => {
    settings.addWatchRule(input());
    settings.addWatchRule(input({ name: 'second' }));
    const exists = settingsError(() => settings.addWatchRule(input({ settleMs: 5 })));
    expect(exists.code).toBe('watch_rule_exists');
    expect(exists.message).toBe(
      'A watch rule named "nightly" already exists. Replace it, or remove it first.',
    );
    settings.addWatchRule(input({ settleMs: 5 }), { replace: true });
    expect(settings.listWatchRules().map((rule) => [rule.name, rule.settleMs])).toEqual([
      ['nightly', 5],
      ['second', 2000],
    ]);
  });

  it('refuses a rule that is not valid, naming the field, and saves nothing', () => {
    const error = settingsError(() =>
      settings.addWatchRule(input({ target: 'aarch64 linux', include: ['/abs/*.bin'] })),
    );
    expect(error.code).toBe('invalid_watch_rule');
    expect(error.message).toContain('The watch rule "nightly" cannot be saved: ');
    expect(error.problems).toEqual([
      { field: 'include', message: expect.stringContaining('starts with "/"') },
      {
        field: 'target',
        message:
          'must be a target triplet such as aarch64-unknown-linux-gnu, "auto", or {"fromPath": "..."}',
      },
    ]);
    expect(settings.listWatchRules()).toEqual([]);
  });

  it('refuses a relative folder: the caller resolves it against its working folder', () => {
    const error = settingsError(() => settings.addWatchRule(input({ folder: 'builds' })));
    expect(error.problems).toEqual([
      { field: 'folder', message: expect.stringContaining('"builds" is not an absolute path') },
    ]);
  });

  it('says which rule it cannot pause, and which rules there are', () => {
    expect(settingsError(() => settings.setWatchRulePaused('nightly', true)).message).toBe(
      'There is no watch rule named "nightly". No watch rules exist yet.',
    );
    settings.addWatchRule(input({ name: 'b' }));
    const missing = settingsError(() => settings.setWatchRulePaused('nightly', true));
    expect(missing.code).toBe('watch_rule_not_found');
    expect(missing.message).toBe('There is no watch rule named "nightly". Watch rules: b.');
  });

  it('refuses a settings file whose watch rules are broken, naming the rule and field', async () => {
    const file = join(dir, 'config.json');
    const text = JSON.stringify({
      watchRules: [
        nightlyRule({ target: 5 }),
        nightlyRule({ name: 'bad name', artifactVersionPrn: undefined }),
        nightlyRule(),
      ],
    });
    await writeFile(file, text);
    let error: unknown;
    try {
      openSettings({ dataDir: dir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsFileError);
    expect((error as SettingsFileError).problems).toEqual([
      { field: 'watchRules.nightly.target', message: expect.stringContaining('target triplet') },
      { field: 'watchRules.rule 2.name', message: expect.stringContaining('a name is 1 to 64') },
      {
        field: 'watchRules.rule 2.artifactVersionPrn',
        message: expect.stringContaining('give exactly one of'),
      },
      {
        field: 'watchRules.rule 3.name',
        message: '"nightly" is also the name of rule 1; give each rule its own name',
      },
    ]);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('keeps a rule as given when it reads the file back', () => {
    const added = settings.addWatchRule(
      input({
        artifactVersionPrn: VERSION_PRN,
        target: { fromPath: '^(?<target>[^/]+)/' },
        recursive: false,
      }),
    );
    expect(openSettings({ dataDir: dir }).listWatchRules()).toEqual([added]);
  });
});
