// Which files a rule takes and why it leaves the others, on this system's paths and on
// Windows paths (checked here through path.win32 whatever the system).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ruleFolderMatcher,
  ruleMatcher,
  relativePathIn,
  type MatchedRule,
} from '../../../src-main/watch/index.js';

const folder = path.resolve('/builds/out');
const at = (...parts: string[]) => path.join(folder, ...parts);

function rule(changes: Partial<MatchedRule> = {}): MatchedRule {
  return { folder, recursive: true, include: ['**/*'], exclude: [], ...changes };
}

describe('ruleMatcher', () => {
  it('takes every file in the folder and its subfolders by default', () => {
    const take = ruleMatcher(rule());
    for (const file of [at('app.bin'), at('a', 'b', 'c', 'rootfs.img'), at('no-extension')]) {
      expect(take(file)).toEqual({ take: true });
    }
  });

  it('takes only the included files, leaving the excluded ones out', () => {
    const take = ruleMatcher(rule({ include: ['**/*.bin', '**/*.img'], exclude: ['**/debug/**'] }));
    expect(take(at('app.bin'))).toEqual({ take: true });
    expect(take(at('1.2.0', 'rootfs.img'))).toEqual({ take: true });
    expect(take(at('notes.txt'))).toEqual({ take: false, reason: 'not included' });
    expect(take(at('debug', 'app.bin'))).toEqual({
      take: false,
      reason: 'excluded by "**/debug/**"',
    });
    expect(take(at('1.2.0', 'debug', 'x', 'app.bin'))).toEqual({
      take: false,
      reason: 'excluded by "**/debug/**"',
    });
  });

  it('matches globs against the path relative to the folder', () => {
    const take = ruleMatcher(rule({ include: ['release/*.bin'] }));
    expect(take(at('release', 'app.bin'))).toEqual({ take: true });
    expect(take(at('other', 'release', 'app.bin'))).toEqual({
      take: false,
      reason: 'not included',
    });
    // A plain `*.bin` is for the folder itself, as in any glob tool.
    expect(ruleMatcher(rule({ include: ['*.bin'] }))(at('sub', 'app.bin')).take).toBe(false);
  });

  it('excludes everything inside a folder an exclude pattern names', () => {
    const take = ruleMatcher(rule({ exclude: ['scratch', '**/*.d'] }));
    expect(take(at('scratch', 'deep', 'app.bin'))).toEqual({
      take: false,
      reason: 'excluded by "scratch"',
    });
    expect(take(at('x', 'deps.d', 'app.bin'))).toEqual({
      take: false,
      reason: 'excluded by "**/*.d"',
    });
    expect(take(at('x', 'scratch', 'app.bin'))).toEqual({ take: true });
  });

  it('takes only files directly in the folder when not recursive', () => {
    const take = ruleMatcher(rule({ recursive: false }));
    expect(take(at('app.bin'))).toEqual({ take: true });
    expect(take(at('sub', 'app.bin'))).toEqual({
      take: false,
      reason: 'in a subfolder and the rule is not recursive',
    });
  });

  it.each([
    ['build.tmp', 'temporary file'],
    ['BUILD.TMP', 'temporary file'],
    ['image.img.part', 'temporary file'],
    ['~$report.docx', 'temporary file'],
    ['firmware.bin.crdownload', 'temporary file'],
    ['notes.swp', 'temporary file'],
    ['.app.bin.swp', 'hidden file'],
    ['.DS_Store', 'hidden file'],
  ])('always leaves %s out (%s), whatever the rule includes', (name, reason) => {
    const take = ruleMatcher(rule({ include: ['**/*', '**/.*', `**/${name}`] }));
    expect(take(at('sub', name))).toEqual({ take: false, reason });
  });

  it('leaves out files in hidden folders, but not a watched folder that is itself hidden', () => {
    expect(ruleMatcher(rule())(at('a', '.git', 'objects', 'pack.bin'))).toEqual({
      take: false,
      reason: 'in the hidden folder ".git"',
    });
    const hidden = path.resolve('/home/me/.builds');
    expect(ruleMatcher(rule({ folder: hidden }))(path.join(hidden, 'app.bin'))).toEqual({
      take: true,
    });
  });

  it('says when a path is outside the folder', () => {
    const take = ruleMatcher(rule());
    for (const file of [
      path.resolve('/builds/other.bin'),
      path.resolve('/builds/outside/x'),
      folder,
    ]) {
      expect(take(file)).toEqual({ take: false, reason: 'outside the folder' });
    }
    // Inside, though its name starts with "..".
    expect(take(at('..foo.bin'))).toEqual({ take: false, reason: 'hidden file' });
  });

  it('reads Windows paths with "\\" and any letter case, matching globs with "/"', () => {
    const windowsRule = rule({
      folder: 'C:\\Builds\\Out',
      include: ['**/*.bin'],
      exclude: ['**/debug/**'],
    });
    const take = ruleMatcher(windowsRule, { pathApi: path.win32 });
    expect(take('C:\\Builds\\Out\\1.2.0\\APP.BIN')).toEqual({ take: true });
    expect(take('c:\\builds\\out\\app.bin')).toEqual({ take: true });
    expect(take('C:/Builds/Out/x/app.bin')).toEqual({ take: true });
    expect(take('C:\\Builds\\Out\\x\\Debug\\app.bin')).toEqual({
      take: false,
      reason: 'excluded by "**/debug/**"',
    });
    expect(take('D:\\Builds\\Out\\app.bin')).toEqual({ take: false, reason: 'outside the folder' });
    expect(
      relativePathIn('C:\\Builds\\Out', 'C:\\Builds\\Out\\a\\b\\c.bin', { pathApi: path.win32 }),
    ).toBe('a/b/c.bin');
  });
});

describe('ruleFolderMatcher', () => {
  it('tells which folders could hold files the rule takes', () => {
    const look = ruleFolderMatcher(rule({ exclude: ['**/debug/**', 'scratch'] }));
    expect(look(folder)).toEqual({ take: true });
    expect(look(at('1.2.0', 'arm64'))).toEqual({ take: true });
    expect(look(at('1.2.0', 'debug'))).toEqual({
      take: false,
      reason: 'excluded by "**/debug/**"',
    });
    expect(look(at('scratch', 'deep'))).toEqual({ take: false, reason: 'excluded by "scratch"' });
    expect(look(at('.cache'))).toEqual({ take: false, reason: 'in the hidden folder ".cache"' });
    expect(look(path.resolve('/elsewhere'))).toEqual({ take: false, reason: 'outside the folder' });
    expect(ruleFolderMatcher(rule({ recursive: false }))(at('sub'))).toEqual({
      take: false,
      reason: 'in a subfolder and the rule is not recursive',
    });
  });
});
