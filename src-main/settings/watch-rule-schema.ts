// What a watch rule may say, as zod schemas: one place for the rules file, the rules kept in
// the settings file, and every change before it is written. A rule is plain JSON data (its
// patterns stay text) so it can be saved, compared and sent across the IPC boundary as is.
import { isAbsolute, resolve } from 'node:path';
import picomatch from 'picomatch/posix.js';
import { z } from 'zod';
import { parsePrn, type PrnType } from '../peridio/index.js';
import { NAME_PATTERN, NAME_RULE, nameSchema, textError, unknownField } from './schema-parts.js';

/** Where the version of an uploaded file comes from when no fixed version PRN is given. */
export interface VersionFromPath {
  /** The artifact the version belongs to (created under it when it does not exist yet). */
  artifactPrn: string;
  /** A regular expression with a named group `version`, matched against the file's path
   * relative to the folder (with `/` separators). */
  fromPath: string;
}

/** A target triplet, `"auto"` (read from the file's ELF, PE or Mach-O header), or a regular
 * expression with a named group `target` matched against the relative path. */
export type RuleTarget = string | { fromPath: string };

/** A signing key by its name in the settings, or a private key file and its PRN. */
export type RuleSigningKey = string | { privateKeyPath: string; signingKeyPrn: string };

interface WatchRuleFields {
  name: string;
  /** Absolute and normalized. */
  folder: string;
  /** Also take files in subfolders. */
  recursive: boolean;
  /** Globs on the path relative to `folder`, `/`-separated on every system. */
  include: string[];
  /** Globs as in `include`; a pattern that matches a parent folder excludes all it holds. */
  exclude: string[];
  target: RuleTarget;
  signingKey?: RuleSigningKey;
  /** Reset an unsigned binary of the target that holds other content, instead of reporting
   * a conflict (a signed one is always reported). */
  replace: boolean;
  /** Copy a file aside when it is queued, so later edits to it do not fail the upload. */
  spool: boolean;
  /** How long a file must stay unchanged before it is taken. */
  settleMs: number;
  paused: boolean;
}

/** A watch rule as checked: defaults filled in, paths absolute. Exactly one of
 * `artifactVersionPrn` and `artifactVersion` says which version a file goes to. */
export type WatchRule = WatchRuleFields &
  (
    | { artifactVersionPrn: string; artifactVersion?: undefined }
    | { artifactVersion: VersionFromPath; artifactVersionPrn?: undefined }
  );

type DefaultedField =
  'recursive' | 'include' | 'exclude' | 'replace' | 'spool' | 'settleMs' | 'paused';

/** A watch rule as a person writes it: the fields with defaults may be left out. */
export type WatchRuleInput = Omit<WatchRuleFields, DefaultedField> &
  Partial<Pick<WatchRuleFields, DefaultedField>> & {
    artifactVersionPrn?: string;
    artifactVersion?: VersionFromPath;
  };

export const WATCH_RULE_DEFAULTS = {
  recursive: true,
  include: ['**/*'],
  exclude: [],
  replace: false,
  spool: true,
  settleMs: 2000,
  paused: false,
} as const;

export const MAX_SETTLE_MS = 600_000;
const SETTLE_RULE = `must be a whole number of milliseconds from 0 to ${MAX_SETTLE_MS}`;

const TARGET_KINDS =
  'a target triplet such as aarch64-unknown-linux-gnu, "auto", or {"fromPath": "..."}';
const TARGET_RULE = `must be ${TARGET_KINDS}`;

/** Path patterns are JavaScript regular expressions, compiled with the `u` flag so `.` and
 * classes see whole characters in non-ASCII paths. */
export function compilePathPattern(source: string): RegExp {
  return new RegExp(source, 'u');
}

/** Why `source` cannot be a path pattern with the named group `group`, or undefined. */
export function pathPatternProblem(source: string, group: string): string | undefined {
  try {
    compilePathPattern(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return `"${source}" is not a valid regular expression (${detail})`;
  }
  // An alternative that matches the empty string shows every named group of the pattern,
  // however deep, as a key of `groups`.
  const groups = compilePathPattern(`(?:${source})|`).exec('')?.groups ?? {};
  if (!Object.hasOwn(groups, group)) {
    return (
      `"${source}" has no named group "${group}"; mark the part of the path that is the ` +
      `${group} with (?<${group}>...), such as ^(?<${group}>[^/]+)/`
    );
  }
  return undefined;
}

/** A text field holding a path pattern with the named group `group`. */
function pathPatternSchema(what: string, group: string) {
  return z.string({ error: textError(what) }).superRefine((source, ctx) => {
    const problem = pathPatternProblem(source, group);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
}

function prnSchema(what: string, type: PrnType, example: string) {
  return z.string({ error: textError(what) }).superRefine((value, ctx) => {
    const parsed = parsePrn(value, type);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${parsed.message}; ${example}` });
  });
}

/** A path that must be absolute; with `baseDir`, a relative one is taken from there. */
function absolutePathSchema(what: string, example: string, baseDir: string | undefined) {
  return (
    z
      .string({ error: textError(what) })
      .min(1, `${what} is empty`)
      // A check rather than a failing transform, so that inside a union (signingKey) zod
      // reports this message instead of the union's general one.
      .superRefine((value, ctx) => {
        if (isAbsolute(value) || baseDir !== undefined) return;
        ctx.addIssue({
          code: 'custom',
          message: `"${value}" is not an absolute path; use an absolute path such as ${example}`,
        });
      })
      .transform((value) => (baseDir === undefined ? resolve(value) : resolve(baseDir, value)))
  );
}

const EXAMPLE_FOLDER = process.platform === 'win32' ? 'C:\\builds\\out' : '/builds/out';
const EXAMPLE_KEY_FILE =
  process.platform === 'win32' ? 'C:\\keys\\release.pem' : '/etc/peridio/release.pem';

/** Why `pattern` cannot be an include or exclude glob, or undefined. */
export function globProblem(pattern: string): string | undefined {
  if (pattern === '') return 'a pattern is empty';
  if (pattern.startsWith('/')) {
    return (
      `"${pattern}" starts with "/", but patterns are matched against the path relative to ` +
      'the folder; write it as a relative pattern such as "**/*.bin"'
    );
  }
  // On Windows people write `**\*.bin`; in a glob `\` escapes, so that would never match.
  if (pattern.includes('\\')) {
    return `"${pattern}" holds "\\"; separate folders with "/" (also on Windows), such as "out/**/*.bin"`;
  }
  if (pattern.startsWith('!')) {
    return `"${pattern}" starts with "!"; list the files to leave out in "exclude" instead`;
  }
  try {
    picomatch.makeRe(pattern);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return `"${pattern}" is not a valid glob (${detail})`;
  }
  return undefined;
}

function globListSchema(field: 'include' | 'exclude') {
  return z
    .array(
      z.string({ error: 'must hold glob patterns, each as text' }).superRefine((value, ctx) => {
        const problem = globProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      }),
      { error: 'must be a list of glob patterns, such as ["**/*.bin"]' },
    )
    .superRefine((patterns, ctx) => {
      if (field === 'include' && patterns.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: 'is empty, so the rule would take no file; leave it out to take every file',
        });
      }
    });
}

const targetSchema = z.union(
  [
    z
      .string()
      .regex(/^\S+$/u, TARGET_RULE)
      .refine((value) => [...value].length <= 128, TARGET_RULE),
    z.strictObject(
      { fromPath: pathPatternSchema('the target pattern', 'target') },
      { error: unknownField },
    ),
  ],
  {
    error: (issue) =>
      issue.input === undefined ? `is missing; give ${TARGET_KINDS}` : TARGET_RULE,
  },
);

const SIGNING_KEY_RULE =
  'must be the name of a signing key in the settings, or ' +
  '{"privateKeyPath": "...", "signingKeyPrn": "..."}';

function signingKeySchema(baseDir: string | undefined) {
  return z.union(
    [
      z.string().regex(NAME_PATTERN, `${SIGNING_KEY_RULE} (${NAME_RULE})`),
      z.strictObject(
        {
          privateKeyPath: absolutePathSchema('the private key path', EXAMPLE_KEY_FILE, baseDir),
          signingKeyPrn: prnSchema(
            'the signing key PRN',
            'signing_key',
            'use a PRN such as prn:1:<org-uuid>:signing_key:<uuid>',
          ),
        },
        { error: unknownField },
      ),
    ],
    { error: SIGNING_KEY_RULE },
  );
}

const booleanSchema = () => z.boolean({ error: 'must be true or false' });

/** The schema of one rule. With `baseDir`, relative paths are taken from it (a rules file's
 * folder); without, they are refused. */
export function watchRuleSchemaFor(baseDir?: string) {
  return (
    z
      .strictObject(
        {
          name: nameSchema,
          folder: absolutePathSchema('the folder', EXAMPLE_FOLDER, baseDir),
          recursive: booleanSchema().default(WATCH_RULE_DEFAULTS.recursive),
          include: globListSchema('include').default(() => [...WATCH_RULE_DEFAULTS.include]),
          exclude: globListSchema('exclude').default(() => []),
          artifactVersionPrn: prnSchema(
            'the artifact version PRN',
            'artifact_version',
            'use a PRN such as prn:1:<org-uuid>:artifact_version:<uuid>, or take the version ' +
              'from the path with "artifactVersion": {"artifactPrn": "...", "fromPath": "..."}',
          ).optional(),
          artifactVersion: z
            .strictObject(
              {
                artifactPrn: prnSchema(
                  'the artifact PRN',
                  'artifact',
                  'use a PRN such as prn:1:<org-uuid>:artifact:<uuid>',
                ),
                fromPath: pathPatternSchema('the version pattern', 'version'),
              },
              {
                error: (issue) =>
                  unknownField(issue) ??
                  'must be {"artifactPrn": "<artifact PRN>", "fromPath": "<regular expression>"}',
              },
            )
            .optional(),
          target: targetSchema,
          signingKey: signingKeySchema(baseDir).optional(),
          replace: booleanSchema().default(WATCH_RULE_DEFAULTS.replace),
          spool: booleanSchema().default(WATCH_RULE_DEFAULTS.spool),
          settleMs: z
            .int({ error: SETTLE_RULE })
            .min(0, SETTLE_RULE)
            .max(MAX_SETTLE_MS, `${SETTLE_RULE} (10 minutes)`)
            .default(WATCH_RULE_DEFAULTS.settleMs),
          paused: booleanSchema().default(WATCH_RULE_DEFAULTS.paused),
        },
        {
          error: (issue) =>
            unknownField(issue) ??
            (issue.code === 'invalid_type'
              ? 'each rule must be an object such as {"name": "nightly", "folder": "/builds/out", ...}'
              : undefined),
        },
      )
      .superRefine(
        (rule, ctx) => {
          const fixed = rule.artifactVersionPrn !== undefined;
          const fromPath = rule.artifactVersion !== undefined;
          if (fixed === fromPath) {
            ctx.addIssue({
              code: 'custom',
              path: ['artifactVersionPrn'],
              message:
                (fixed ? 'both artifactVersionPrn and artifactVersion are given; ' : '') +
                'give exactly one of "artifactVersionPrn" (a fixed artifact version PRN) and ' +
                '"artifactVersion" ({"artifactPrn": "...", "fromPath": "..."}, the version taken ' +
                'from the path)',
            });
          }
        },
        // Checked even when other fields are wrong, so one look shows every problem.
        { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
      )
      // Written out field by field: TypeScript then checks that the schema gives a WatchRule,
      // fields given as undefined are left out, and a saved rule reads in a fixed order.
      .transform((rule): WatchRule => ({
        name: rule.name,
        folder: rule.folder,
        recursive: rule.recursive,
        include: rule.include,
        exclude: rule.exclude,
        ...(rule.artifactVersionPrn !== undefined
          ? { artifactVersionPrn: rule.artifactVersionPrn }
          : // The check above has made sure one of the two is there.
            { artifactVersion: rule.artifactVersion! }),
        target: rule.target,
        ...(rule.signingKey === undefined ? {} : { signingKey: rule.signingKey }),
        replace: rule.replace,
        spool: rule.spool,
        settleMs: rule.settleMs,
        paused: rule.paused,
      }))
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
