// Which files a watch rule takes, and why it leaves the others: the folder and its
// subfolders, the default ignores (temporary, partial and hidden files), then the rule's
// exclude and include globs on the path relative to the folder.
import path from 'node:path';
import picomatch from 'picomatch/posix.js';
import type { WatchRule } from '../settings/index.js';
import { relativePathIn, type RulePathOptions } from './rule-paths.js';

export type RuleDecision = { take: true } | { take: false; reason: string };

/** File names that are never taken, whatever the rule says: files still being written or
 * downloaded, editor swap files and Office lock files. Hidden files and everything in hidden
 * folders (`.git`, `.cache`) are left out as well. */
export const DEFAULT_IGNORES = ['*.tmp', '*.part', '~*', '*.crdownload', '*.swp'] as const;

export type MatchedRule = Pick<WatchRule, 'folder' | 'recursive' | 'include' | 'exclude'>;

type Test = (relative: string) => boolean;

// Extensions are written in any case on Windows (`BUILD.TMP`), so these ignore case.
const isTemporary: Test = picomatch([...DEFAULT_IGNORES], { nocase: true });

function compiled(patterns: readonly string[], nocase: boolean): [string, Test][] {
  return patterns.map((pattern) => [pattern, picomatch(pattern, { nocase })]);
}

/** `a/b/c.bin` → `a`, `a/b`, `a/b/c.bin`: a pattern that matches a folder excludes all in it. */
function selfAndParents(relative: string): string[] {
  const parts = relative.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

function decide(
  rule: MatchedRule,
  exclude: [string, Test][],
  relative: string | undefined,
  isFolder: boolean,
): RuleDecision {
  if (relative === undefined) return { take: false, reason: 'outside the folder' };
  const parts = relative.split('/');
  const parents = isFolder ? parts : parts.slice(0, -1);
  if (!rule.recursive && parents.length > 0) {
    return { take: false, reason: 'in a subfolder and the rule is not recursive' };
  }
  const hidden = parents.find((part) => part.startsWith('.'));
  if (hidden !== undefined) return { take: false, reason: `in the hidden folder "${hidden}"` };
  if (!isFolder) {
    const name = parts[parts.length - 1]!;
    if (name.startsWith('.')) return { take: false, reason: 'hidden file' };
    if (isTemporary(name)) return { take: false, reason: 'temporary file' };
  }
  const candidates = selfAndParents(relative);
  for (const [pattern, test] of exclude) {
    // Not `.some(test)`: a picomatch matcher's second argument asks for a result object.
    if (candidates.some((candidate) => test(candidate))) {
      return { take: false, reason: `excluded by "${pattern}"` };
    }
  }
  return { take: true };
}

/**
 * Decides for each file whether `rule` takes it. Globs see the path relative to the folder
 * with `/` separators; on Windows they ignore case, as its file names do. The reason is
 * for logs and the UI: 'temporary file', 'excluded by "<pattern>"', 'not included', ...
 */
export function ruleMatcher(
  rule: MatchedRule,
  options: RulePathOptions = {},
): (absolutePath: string) => RuleDecision {
  const nocase = (options.pathApi ?? path) === path.win32;
  const include = compiled(rule.include, nocase);
  const exclude = compiled(rule.exclude, nocase);
  return (absolutePath) => {
    const relative = relativePathIn(rule.folder, absolutePath, options);
    const decision = decide(rule, exclude, relative, false);
    if (!decision.take || relative === undefined) return decision;
    return include.some(([, test]) => test(relative))
      ? decision
      : { take: false, reason: 'not included' };
  };
}

/**
 * Decides for each folder whether files in it could be taken, so a watcher need not look
 * inside the others (hidden or excluded folders, subfolders of a non-recursive rule). The
 * rule's folder itself is always taken.
 */
export function ruleFolderMatcher(
  rule: MatchedRule,
  options: RulePathOptions = {},
): (absoluteFolder: string) => RuleDecision {
  const pathApi = options.pathApi ?? path;
  const exclude = compiled(rule.exclude, pathApi === path.win32);
  return (absoluteFolder) => {
    if (pathApi.relative(rule.folder, absoluteFolder) === '') return { take: true };
    return decide(rule, exclude, relativePathIn(rule.folder, absoluteFolder, options), true);
  };
}
