// What a rule says about one file it took: its target, and the artifact version it goes to.
// Pure apart from reading the file's header for `"auto"`; finding or creating the version on
// the server is the uploader's part.
import { compilePathPattern } from '../../src-preload/contract.js';
import type { WatchRule } from '../settings/index.js';
import { relativePathIn, type RulePathOptions } from './rule-paths.js';

/** A target with how it was found, in words (the header's evidence, the path, the rule). */
export type TargetResolution =
  { ok: true; target: string; evidence: string } | { ok: false; message: string };

export type VersionResolution =
  | { kind: 'prn'; prn: string }
  /** The version named `version` under the artifact, created when it does not exist yet. */
  | { kind: 'create'; artifactPrn: string; version: string }
  | { kind: 'error'; message: string };

/** The same bounds the server puts on a binary's target and a version's name. */
const MAX_LENGTH = 128;

type Rule = Pick<WatchRule, 'name' | 'folder'>;

/** The named group `group` of `pattern` on the file's relative path, or why there is none. */
function fromPath(
  rule: Rule,
  absolutePath: string,
  pattern: string,
  group: 'target' | 'version',
  options: RulePathOptions,
): { ok: true; value: string } | { ok: false; message: string } {
  const relative = relativePathIn(rule.folder, absolutePath, options);
  if (relative === undefined) {
    return {
      ok: false,
      message: `${absolutePath} is not inside the folder ${rule.folder} of the rule "${rule.name}".`,
    };
  }
  const match = compilePathPattern(pattern).exec(relative);
  const value = match?.groups?.[group];
  const where = `The path "${relative}" (in ${rule.folder})`;
  if (value === undefined) {
    const how =
      match === null
        ? `does not match the ${group} pattern ${pattern}`
        : `matches the ${group} pattern ${pattern}, but not its group "${group}",`;
    return {
      ok: false,
      message:
        `${where} ${how} of the rule "${rule.name}". ` +
        'Change the pattern, or put the file where the pattern expects it.',
    };
  }
  const length = [...value].length;
  if (length === 0 || length > MAX_LENGTH || (group === 'target' && /\s/u.test(value))) {
    return {
      ok: false,
      message:
        `${where} gives the ${group} "${value}" through the pattern ${pattern} of the rule ` +
        `"${rule.name}", but a ${group} is 1 to ${MAX_LENGTH} characters` +
        (group === 'target' ? ' without spaces.' : '.') +
        ' Change the pattern so its group takes the right part of the path.',
    };
  }
  return { ok: true, value };
}

/** The target of a file the rule took: fixed, read from its header, or taken from its path. */
export async function resolveTarget(
  rule: Pick<WatchRule, 'name' | 'folder' | 'target'>,
  absolutePath: string,
  options: RulePathOptions = {},
): Promise<TargetResolution> {
  const { target } = rule;
  if (typeof target === 'object') {
    const found = fromPath(rule, absolutePath, target.fromPath, 'target', options);
    return found.ok
      ? {
          ok: true,
          target: found.value,
          evidence: `from the path, by the pattern ${target.fromPath}`,
        }
      : found;
  }
  if (target !== 'auto') return { ok: true, target, evidence: `the rule "${rule.name}" says it` };
  let detection;
  try {
    // Loaded at the first file a rule leaves to detection (the targets room brings zlib).
    const { detectFileTarget } = await import('../targets/index.js');
    detection = await detectFileTarget(absolutePath);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `Cannot read ${absolutePath} to tell its target (${detail}).` };
  }
  if (detection.ok) return { ok: true, target: detection.target, evidence: detection.evidence };
  // Already names the file and says why; a fixed target or a path pattern is the way out.
  return {
    ok: false,
    message:
      `${detection.reason} Give the rule "${rule.name}" a fixed target, or ` +
      '{"fromPath": "..."} to take it from the path.',
  };
}

/** The artifact version a file the rule took goes to: a fixed PRN, or a version named by the
 * file's path under the rule's artifact. */
export function resolveArtifactVersion(
  rule: Pick<WatchRule, 'name' | 'folder' | 'artifactVersionPrn' | 'artifactVersion'>,
  absolutePath: string,
  options: RulePathOptions = {},
): VersionResolution {
  if (rule.artifactVersionPrn !== null) {
    return { kind: 'prn', prn: rule.artifactVersionPrn };
  }
  if (rule.artifactVersion === null) {
    return {
      kind: 'error',
      message: `The rule "${rule.name}" says neither artifactVersionPrn nor artifactVersion.`,
    };
  }
  const { artifactPrn, fromPath: pattern } = rule.artifactVersion;
  const found = fromPath(rule, absolutePath, pattern, 'version', options);
  return found.ok
    ? { kind: 'create', artifactPrn, version: found.value }
    : { kind: 'error', message: found.message };
}
