// A hand-edited settings file with a mistake: the app refuses to start on it, says which
// file and which field, never writes over it, and moves it aside only when asked.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SettingsFileError,
  moveBrokenSettingsAside,
  openSettings,
} from '../../../src-main/settings/index.js';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'broken-settings-'));
  file = join(dir, 'config.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function openError(): SettingsFileError {
  try {
    openSettings({ dataDir: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsFileError);
    return error as SettingsFileError;
  }
  throw new Error('expected the settings to be refused');
}

describe('a broken settings file', () => {
  it('with a JSON mistake is refused, naming the file, and left exactly as it was', async () => {
    const text = '{\n  "profiles": {\n    "prod": { "baseUrl": "https://a.example", }\n  }\n}\n';
    await writeFile(file, text);
    const error = openError();
    expect(error.code).toBe('settings_file_invalid');
    expect(error.filePath).toBe(file);
    expect(error.message).toContain(`The settings file "${file}" is not valid JSON`);
    expect(error.message).toContain('Nothing was changed');
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(error.toJSON()).toMatchObject({
      code: 'settings_file_invalid',
      details: { filePath: file },
    });
  });

  it('with a wrong value is refused, naming the field', async () => {
    const text = JSON.stringify({
      profiles: { prod: { baseUrl: 'http://peridio.example.com' } },
      preferences: { uploadConcurrency: 64 },
    });
    await writeFile(file, text);
    const error = openError();
    expect(error.problems.map((problem) => problem.field)).toEqual([
      'profiles.prod.baseUrl',
      'preferences.uploadConcurrency',
    ]);
    expect(error.message).toContain('profiles.prod.baseUrl: the base URL must use https://');
    expect(error.message).toContain(
      'preferences.uploadConcurrency: the upload concurrency is at most 16',
    );
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('with a typo in a field name, a bad profile name or a dangling current profile is refused', async () => {
    await writeFile(
      file,
      JSON.stringify({
        currentProfile: 'staging',
        profiles: {
          prod: { baseURL: 'https://a.example' },
          'my org': { baseUrl: 'https://b.example' },
        },
      }),
    );
    const message = openError().message;
    expect(message).toContain('profiles.prod: unknown field "baseURL"');
    expect(message).toContain('profiles.my org: not a valid name');
    expect(message).toContain(
      'currentProfile: names the profile "staging", which is not in profiles',
    );
  });

  it('with an API key written into it is refused, pointing at the keychain, without echoing the key', async () => {
    await writeFile(
      file,
      JSON.stringify({
        profiles: { prod: { baseUrl: 'https://a.example', apiKey: 'sekrit-123' } },
      }),
    );
    const error = openError();
    expect(error.message).toContain('unknown field "apiKey"');
    expect(error.message).toContain('belong in the OS keychain');
    expect(error.message).not.toContain('sekrit-123');
  });

  it('with a password in a proxy URL is refused, pointing at the keychain, without echoing it', async () => {
    await writeFile(
      file,
      JSON.stringify({
        profiles: {
          prod: { baseUrl: 'https://a.example', proxyUrl: 'http://alice:pr0xy-pw@proxy:3128' },
        },
      }),
    );
    const error = openError();
    expect(error.message).toContain(
      'profiles.prod.proxyUrl: the proxy URL must not hold a password',
    );
    expect(error.message).toContain('OS keychain');
    expect(error.message).not.toContain('pr0xy-pw');
    await writeFile(
      file,
      JSON.stringify({
        profiles: { prod: { baseUrl: 'https://a.example', proxyPassword: 'pr0xy-pw' } },
      }),
    );
    const field = openError();
    expect(field.message).toContain(
      'unknown field "proxyPassword" (passwords belong in the OS keychain, never in this file)',
    );
    expect(field.message).not.toContain('pr0xy-pw');
  });

  it('broken after opening stops every change instead of writing over it', async () => {
    const settings = openSettings({ dataDir: dir });
    settings.addProfile({ name: 'prod', baseUrl: 'https://a.example' });
    await writeFile(file, '{"profiles": ');
    expect(() => settings.addProfile({ name: 'other', baseUrl: 'https://b.example' })).toThrow(
      SettingsFileError,
    );
    expect(() => settings.listProfiles()).toThrow('is not valid JSON');
    expect(await readFile(file, 'utf8')).toBe('{"profiles": ');
  });

  it('is moved aside only on request, kept whole, and then a fresh start works', async () => {
    await writeFile(file, '{ not json');
    openError();
    const moved = moveBrokenSettingsAside(file, new Date('2025-03-04T05:06:07.890Z'));
    expect(moved).toBe(`${file}.broken-20250304T050607Z`);
    expect(await readFile(moved!, 'utf8')).toBe('{ not json');
    const settings = openSettings({ dataDir: dir });
    expect(settings.listProfiles()).toEqual([]);
    await writeFile(file, '{ again');
    expect(moveBrokenSettingsAside(file, new Date('2025-03-04T05:06:07.890Z'))).toBe(
      `${file}.broken-20250304T050607Z-2`,
    );
    expect((await readdir(dir)).sort()).toEqual([
      'config.json.broken-20250304T050607Z',
      'config.json.broken-20250304T050607Z-2',
    ]);
    expect(moveBrokenSettingsAside(file)).toBeNull();
  });
});

describe('a valid settings file', () => {
  it('keeps keys it does not know (other parts of the app share the file) through changes', async () => {
    await writeFile(file, JSON.stringify({ windowBounds: { width: 800 }, watchRules: [] }));
    const settings = openSettings({ dataDir: dir });
    settings.addProfile({ name: 'prod', baseUrl: 'https://a.example' });
    const content = JSON.parse(await readFile(file, 'utf8'));
    expect(content).toMatchObject({ windowBounds: { width: 800 }, watchRules: [] });
    expect(content.profiles.prod.baseUrl).toBe('https://a.example');
  });
});
