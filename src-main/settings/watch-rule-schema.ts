// What a watch rule may say: the contract's one shape of a rule (src-preload/contract.ts),
// with what only the engine can check layered on it, for the rules file, the rules kept in
// the settings file and every change before it is written. A rule is plain JSON data (its
// patterns stay text) so it can be saved, compared and sent across the IPC boundary as is.
import { isAbsolute, resolve } from 'node:path';
import picomatch from 'picomatch/posix.js';
import { z } from 'zod';
import {
  ABSOLUTE_PATH,
  NAME_PATTERN,
  WATCH_RULE_DEFAULTS,
  WHEN_AN_OBJECT,
  quoted,
  watchRuleInput,
  type WatchRuleSettingsView,
} from '../../src-preload/contract.js';

/** A watch rule as checked: defaults filled in, paths absolute and normalized, exactly one of
 * `artifactVersionPrn` and `artifactVersion` set. The faces see it as it is. */
export type WatchRule = WatchRuleSettingsView;

const EXAMPLE_FOLDER = process.platform === 'win32' ? 'C:\\builds\\out' : '/builds/out';
const EXAMPLE_KEY_FILE =
  process.platform === 'win32' ? 'C:\\keys\\release.pem' : '/etc/peridio/release.pem';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a person may write in a rules file (or an older settings file holds) beyond the
 * contract's shape: a signing key by its name alone (`"signingKey": "release"`) or a key file
 * without `"kind"`, and, with `baseDir`, folders and key files relative to it.
 */
function asWrittenByHand(value: unknown, baseDir: string | undefined): unknown {
  if (!isPlainObject(value)) return value;
  const fromBase = (path: unknown) =>
    baseDir !== undefined && typeof path === 'string' && path !== '' && !isAbsolute(path)
      ? resolve(baseDir, path)
      : path;
  const rule = { ...value };
  if ('folder' in rule) rule.folder = fromBase(rule.folder);
  let key = rule.signingKey;
  if (typeof key === 'string') key = { kind: 'keychain', name: key };
  else if (isPlainObject(key) && !('kind' in key)) key = { kind: 'file', ...key };
  if (isPlainObject(key) && 'privateKeyPath' in key) {
    key = { ...key, privateKeyPath: fromBase(key.privateKeyPath) };
  }
  if (key !== undefined) rule.signingKey = key;
  return rule;
}

/** Why the absolute-looking `value` is not absolute on this system (`C:\x` on Linux). */
function notAbsoluteHere(value: unknown, example: string): string | undefined {
  if (typeof value !== 'string' || !ABSOLUTE_PATH.test(value) || isAbsolute(value)) {
    return undefined;
  }
  return `${quoted(value)} is not an absolute path on this system; use an absolute path such as ${example}`;
}

/** Why `pattern` cannot be an include or exclude glob, beyond the contract's checks. */
function globCompileProblem(pattern: string): string | undefined {
  try {
    picomatch.makeRe(pattern);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return `${quoted(pattern)} is not a valid glob (${detail})`;
  }
  return undefined;
}

/** The engine's own checks of a rule the contract's shape may not have passed yet: each
 * looks only at fields of the right type. */
function engineChecks(rule: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const problem = (path: PropertyKey[], message: string | undefined) => {
    if (message !== undefined) ctx.addIssue({ code: 'custom', path, message });
  };
  problem(['folder'], notAbsoluteHere(rule.folder, EXAMPLE_FOLDER));
  const key = rule.signingKey;
  if (isPlainObject(key)) {
    problem(
      ['signingKey', 'privateKeyPath'],
      notAbsoluteHere(key.privateKeyPath, EXAMPLE_KEY_FILE),
    );
  }
  for (const field of ['include', 'exclude'] as const) {
    const patterns = rule[field];
    if (!Array.isArray(patterns)) continue;
    patterns.forEach((pattern: unknown, index) => {
      if (typeof pattern === 'string') problem([field, index], globCompileProblem(pattern));
    });
  }
}

/** The schema of one rule. With `baseDir`, relative paths are taken from it (a rules file's
 * folder); without, they are refused. */
function watchRuleSchemaFor(baseDir?: string) {
  return z.preprocess(
    (value) => asWrittenByHand(value, baseDir),
    watchRuleInput
      .superRefine((rule, ctx) => engineChecks(rule, ctx), WHEN_AN_OBJECT)
      // Written out field by field: TypeScript then checks that the schema gives a WatchRule,
      // and a saved rule reads in a fixed order.
      .transform((rule): WatchRule => ({
        name: rule.name,
        folder: resolve(rule.folder),
        recursive: rule.recursive ?? WATCH_RULE_DEFAULTS.recursive,
        include: rule.include ?? [...WATCH_RULE_DEFAULTS.include],
        exclude: rule.exclude ?? [...WATCH_RULE_DEFAULTS.exclude],
        artifactVersionPrn: rule.artifactVersionPrn ?? null,
        artifactVersion: rule.artifactVersion ?? null,
        target: rule.target,
        signingKey:
          rule.signingKey?.kind === 'file'
            ? { ...rule.signingKey, privateKeyPath: resolve(rule.signingKey.privateKeyPath) }
            : (rule.signingKey ?? null),
        replace: rule.replace ?? WATCH_RULE_DEFAULTS.replace,
        spool: rule.spool ?? WATCH_RULE_DEFAULTS.spool,
        settleMs: rule.settleMs ?? WATCH_RULE_DEFAULTS.settleMs,
        paused: rule.paused ?? WATCH_RULE_DEFAULTS.paused,
      })),
  );
}

function validNameOf(rule: unknown): string | undefined {
  const name: unknown =
    typeof rule === 'object' && rule !== null ? (rule as { name?: unknown }).name : undefined;
  return typeof name === 'string' && NAME_PATTERN.test(name) ? name : undefined;
}

/** How problems name the rule at `index` of `rules`: its name, or its position (`rule 2`)
 * when it has no valid name or an earlier rule has the same one. Names cannot hold spaces,
 * so the two never mix up. */
export function ruleLabelAt(rules: unknown, index: number): string {
  const list = Array.isArray(rules) ? (rules as unknown[]) : [];
  const name = validNameOf(list[index]);
  const first = name === undefined ? -1 : list.findIndex((rule) => validNameOf(rule) === name);
  return name !== undefined && first === index ? name : `rule ${index + 1}`;
}

/** A list of rules whose names are unique. */
export function watchRuleListSchema(baseDir?: string) {
  return z
    .array(watchRuleSchemaFor(baseDir), {
      error: (issue) =>
        (issue.input === undefined ? 'is missing; it ' : '') +
        'must be a list of rules: [{"name": "nightly", "folder": "/builds/out", ...}]',
    })
    .superRefine(
      (rules: unknown[], ctx) => {
        const firstAt = new Map<string, number>();
        rules.forEach((rule, index) => {
          const name = validNameOf(rule);
          if (name === undefined) return;
          const first = firstAt.get(name);
          if (first === undefined) firstAt.set(name, index);
          else {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'name'],
              message: `"${name}" is also the name of rule ${first + 1}; give each rule its own name`,
            });
          }
        });
      },
      { when: (payload) => Array.isArray(payload.value) },
    );
}

export const watchRuleSchema = watchRuleSchemaFor();

export interface WatchRuleProblem {
  /** The rule's name, or its position (`rule 2`) when it has no valid name; absent when the
   * problem is not in one rule. */
  rule?: string;
  /** The field inside the rule (`target.fromPath`), or '' for the rule as a whole. */
  field: string;
  message: string;
}

/** A field inside a rule. List positions are left out: the messages quote the value. */
export function ruleFieldOf(path: readonly PropertyKey[]): string {
  return path
    .filter((key) => typeof key !== 'number')
    .map(String)
    .join('.');
}

/** Zod's issues from a list of rules as problems naming the rule and the field. `rules` is
 * the list as given (for the names); `at` is where the list sits in the parsed value. */
export function ruleProblemsOf(
  error: z.ZodError,
  rules: unknown,
  at: readonly PropertyKey[] = [],
): WatchRuleProblem[] {
  return error.issues.map((issue) => {
    const inside = issue.path.slice(at.length);
    const [index, ...rest] = inside;
    if (typeof index !== 'number') {
      return { field: ruleFieldOf(issue.path), message: issue.message };
    }
    return { rule: ruleLabelAt(rules, index), field: ruleFieldOf(rest), message: issue.message };
  });
}

/** `rule "nightly": target: must be ...`, one after another. */
export function describeRuleProblems(problems: readonly WatchRuleProblem[]): string {
  return problems
    .map((problem) => {
      const rule =
        problem.rule === undefined
          ? ''
          : problem.rule.startsWith('rule ')
            ? `${problem.rule}: `
            : `rule "${problem.rule}": `;
      const field = problem.field === '' ? '' : `${problem.field}: `;
      return `${rule}${field}${problem.message}`;
    })
    .join('; ');
}
