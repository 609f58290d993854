// The one contract between the engine and its faces (desktop, dashboard, and whatever comes
// next): every command the UI may call, with its input schema and result type, and every
// event the engine sends, with its payload. Environment-free on purpose: it imports zod, its
// own list of names (contract-names.ts), the PRN grammar (prn.ts), the proxy URL rules
// (proxy-url.ts) and the rate grammar (rate.ts) and nothing else, so the renderer (in a
// browser) and the engine both use this file; the preload needs only the names.
// Every input is a strict object (unknown keys are refused, not dropped), every string is
// bounded, and every PRN is checked for its type before the engine does anything with it.
import { z } from 'zod';
import type { COMMAND_NAMES, EVENT_NAMES } from './contract-names.js';
import { aPrnOf, isPrn, parsePrn, type PrnType } from './prn.js';
import { checkProxyInput, splitProxyUrl } from './proxy-url.js';
import { parseRate } from './rate.js';

export {
  COMMAND_NAMES,
  DESK_BRIDGE_GLOBAL,
  EVENT_NAMES,
  commandChannel,
  eventChannel,
} from './contract-names.js';

// ---------------------------------------------------------------------------------------
// Plain data the UI shows. The engine's own types must fit these (the service's handler map
// is typed against them), so a change on either side is a compile error, not a surprise.

export type BinaryState =
  'uploadable' | 'hashable' | 'hashing' | 'signable' | 'signed' | 'destroyed';

/** Which lifecycle actions are legal now, from the one lifecycle definition. */
export interface AllowedActions {
  /** Upload parts, or resume an upload that stopped. */
  upload: boolean;
  /** Tell the server the upload is complete (uploadable -> hashable). */
  markComplete: boolean;
  /** Ask the server to hash the content (hashable -> hashing). */
  hash: boolean;
  /** Delete all parts and start over. */
  reset: boolean;
  /** Attach a signature (another one is allowed once signed). */
  sign: boolean;
  /** Delete the content for good. */
  destroy: boolean;
}

export interface ResourceView {
  prn: string;
  organization_prn: string;
  inserted_at: string;
  updated_at: string;
}

export interface ArtifactView extends ResourceView {
  name: string;
  description: string | null;
}

export interface ArtifactVersionView extends ResourceView {
  artifact_prn: string;
  version: string;
  description: string | null;
}

export interface BinaryView extends ResourceView {
  artifact_version_prn: string;
  target: string;
  hash: string;
  size: number;
  description: string | null;
  state: BinaryState;
  revision: number;
  signatures: { signature: string; signing_key_prn: string; keyid: string }[] | null;
  destroyed?: boolean;
  bytes_uploaded?: number;
  /** Its content is still to be declared: it was created before its file was hashed (the
   * file is sent in the read that hashes it), and `hash` holds a placeholder until then. */
  contentPending: boolean;
  allowedActions: AllowedActions;
}

export interface ReleaseView extends ResourceView {
  name: string;
  bundle_prn: string;
  cohort_prn: string;
  required: boolean;
  disabled: boolean;
}

export interface BundleView extends ResourceView {
  name: string | null;
}

/** One page of a list; hand `nextCursor` back as `cursor` for the next one. */
export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export type WorkspaceKind = 'local' | 'profile' | 'environment';

export interface WorkspaceInfo {
  /** local: the embedded server; profile: a saved profile; environment: PERIDIO_API_KEY. */
  kind: WorkspaceKind;
  profileName: string | null;
  baseUrl: string;
  online: boolean;
  offlineReason: string | null;
}

export interface ProfileView {
  name: string;
  baseUrl: string;
  caPath?: string;
  apiVersion: 1 | 2;
  organizationPrn?: string;
  current: boolean;
  /** Whether the keychain holds its API key (the key itself never leaves the engine). */
  hasApiKey: boolean;
  /** The proxy its requests go through (unless HTTPS_PROXY/HTTP_PROXY say otherwise), as
   * `http://user@proxy:3128`: never with a password. */
  proxyUrl?: string;
  /** Whether the keychain holds the password of the proxy's user. */
  hasProxyPassword: boolean;
}

export interface CliImportReportView {
  configDir: string;
  layout: string;
  profiles: { name: string; baseUrl: string; apiKey: 'imported' | 'missing'; replaced: boolean }[];
  signingKeys: { name: string; signingKeyPrn: string; keyid: string; replaced: boolean }[];
  skipped: { kind: string; name: string; reason: string }[];
}

export interface SigningKeyView {
  name: string;
  signingKeyPrn: string;
  keyid: string;
  publicValue: string;
  source: 'keychain';
}

export type JobStatus =
  'queued' | 'running' | 'waiting' | 'paused' | 'done' | 'failed' | 'cancelled';

export type JobStep =
  | 'queued'
  | 'hashing-file'
  | 'finding-binary'
  | 'uploading'
  | 'completing'
  | 'hashing'
  | 'waiting-signable'
  | 'signing'
  | 'done';

export type SigningKeyChoice =
  | { kind: 'keychain'; name: string }
  | { kind: 'file'; privateKeyPath: string; signingKeyPrn: string };

/** Which of the queue's actions a job allows now, as the engine's queue decides. */
export interface JobAllowedActions {
  pause: boolean;
  resume: boolean;
  retry: boolean;
  cancel: boolean;
}

export interface JobView {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: JobStatus;
  step: JobStep;
  request: {
    path: string;
    artifactVersionPrn: string;
    target: string;
    signingKey: SigningKeyChoice | null;
    replace: boolean;
    workspace: string;
  };
  binaryPrn: string | null;
  binaryState: BinaryState | null;
  error: { code: string; message: string; details?: Record<string, unknown> } | null;
  waitingReason: string | null;
  attempts: number;
  sourcePath: string | null;
  sha256: string | null;
  allowedActions: JobAllowedActions;
}

/** A file's target read from its header, with the evidence in words, or why there is none. */
export type TargetDetectionView =
  { ok: true; target: string; evidence: string } | { ok: false; reason: string };

export interface TransferProgressView {
  phase: 'hashing' | 'uploading';
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export type JobOutcomeView =
  | { status: 'done' }
  | { status: 'failed'; error: { code: string; message: string } }
  | { status: 'waiting'; reason: string }
  | { status: 'interrupted' };

/** A bandwidth cap. */
export interface RateCapView {
  /** null: no cap. */
  bytesPerSecond: number | null;
  /** As people write it: "8 MB/s", "40 Mbit/s", "unlimited". */
  text: string;
}

export interface PreferencesView {
  /** The preference: the sum of all part PUTs of the engine stays under it. */
  maxRate: RateCapView;
  /** The cap this engine applies now: its process's `--max-rate` when one was given (which
   * wins for that process), else the preference. */
  maxRateInForce: RateCapView & { source: 'preference' | 'command-line' };
  /** A part PUT that moves no bytes for this long is cut off and sent again. Uploads started
   * after a change follow it; one already sending its parts keeps the one it started with. */
  stallTimeoutSeconds: number;
  /** Uploads at once, fixed; null: as many as the files' sizes and the server's answers allow
   * (several small files side by side, at most two big ones). */
  jobConcurrency: number | null;
}

/** The bounds of a fixed number of uploads at once (the preference, `--jobs`). */
export const JOB_CONCURRENCY = { min: 1, max: 16 } as const;
const JOB_CONCURRENCY_RULE = `the uploads at once must be a whole number from ${JOB_CONCURRENCY.min} to ${JOB_CONCURRENCY.max}, or null to let the engine choose`;

/** The one check of a fixed number of uploads at once, for the contract's door and the settings
 * file; null means adaptive. */
export const jobConcurrencySchema = z
  .int({ error: JOB_CONCURRENCY_RULE })
  .min(JOB_CONCURRENCY.min, JOB_CONCURRENCY_RULE)
  .max(JOB_CONCURRENCY.max, JOB_CONCURRENCY_RULE)
  .nullable();

/** The stall timeout's bounds and default, in whole seconds: at least long enough that a link
 * that pauses for a moment is not cut off, at most an hour so that a dead one is noticed. */
export const STALL_TIMEOUT_SECONDS = { min: 5, max: 3600, default: 60 } as const;
const STALL_TIMEOUT_RULE = `the stall timeout must be a whole number of seconds from ${STALL_TIMEOUT_SECONDS.min} to ${STALL_TIMEOUT_SECONDS.max}, e.g. ${STALL_TIMEOUT_SECONDS.default}`;

/** The one check of the stall timeout, for the contract's door and the settings file. */
export const stallTimeoutSecondsSchema = z
  .int({ error: STALL_TIMEOUT_RULE })
  .min(STALL_TIMEOUT_SECONDS.min, STALL_TIMEOUT_RULE)
  .max(STALL_TIMEOUT_SECONDS.max, STALL_TIMEOUT_RULE);

// ---------------------------------------------------------------------------------------
// Watch folders: rules that upload each finished build output of a folder.

/** A rule's settings as saved (paths absolute, defaults filled in). `watch.save` takes the
 * same shape back, so an edit form can load a rule and send it as it is. */
export interface WatchRuleSettingsView {
  name: string;
  folder: string;
  /** Also the subfolders. */
  recursive: boolean;
  /** Globs on the path relative to the folder, `/`-separated on every system. */
  include: string[];
  exclude: string[];
  /** Exactly one of the two is set: a fixed artifact version, or the version taken from the
   * path (a regular expression with a `version` group) under an artifact. */
  artifactVersionPrn: string | null;
  artifactVersion: { artifactPrn: string; fromPath: string } | null;
  /** A target triplet, "auto" (from the file's ELF, PE or Mach-O header), or a regular
   * expression with a `target` group matched against the relative path. */
  target: string | { fromPath: string };
  /** Which key signs the uploads (never the key itself); null: they are left signable. */
  signingKey: SigningKeyChoice | null;
  /** Reset an unsigned binary of the target that holds other content (else: a conflict). */
  replace: boolean;
  /** Set a file aside when queued, so a build cleaning its folder cannot break the upload. */
  spool: boolean;
  /** How long a file must stay unchanged before it is taken. */
  settleMs: number;
  /** Paused by a person: the folder is not watched. */
  paused: boolean;
}

/**
 * starting: the folder is being looked at; watching: new files are taken; paused: by a
 * person; stopped: the folder is missing or unreadable (see `reason`; watching goes on by
 * itself once it is back); off: this engine runs no queue, so no rule is watched.
 */
export type WatchRuleStatus = 'starting' | 'watching' | 'paused' | 'stopped' | 'off';

/** What happened to a rule's files since the engine started. */
export interface WatchCountersView {
  seen: number;
  queued: number;
  /** Left out: patterns, temporary or hidden files, removed before they settled, errors. */
  skipped: number;
  /** The same content already queued or on the server. */
  duplicates: number;
  /** Other content already holds the target: a person decides. */
  conflicts: number;
  uploaded: number;
  failed: number;
}

export interface WatchMessageView {
  at: string;
  text: string;
}

export interface WatchRuleView {
  settings: WatchRuleSettingsView;
  status: WatchRuleStatus;
  /** Why the rule is stopped, paused or off; null while it starts or watches. */
  reason: string | null;
  counters: WatchCountersView;
  /** The last thing that happened to the rule or one of its files. */
  lastMessage: WatchMessageView | null;
}

export type WatchFileKind =
  'seen' | 'skipped' | 'duplicate' | 'conflict' | 'queued' | 'uploaded' | 'failed';

export interface WatchFileView {
  rule: string;
  /** The file in the watched folder. */
  path: string;
  kind: WatchFileKind;
  message: string;
  /** The job the file became, once queued. */
  jobId: string | null;
  at: string;
}

// ---------------------------------------------------------------------------------------
// The error the UI shows: people's words, the server's words, and the request id.

export interface DeskErrorField {
  /** The input field (`artifactVersionPrn`, `signingKey.name`) or server field (`target`). */
  field: string;
  message: string;
}

export interface DeskError {
  /** `invalid_input` for a refused input; the server's or the engine's code otherwise. */
  code: string;
  message: string;
  /** HTTP status of the server's answer, when there was one. */
  status?: number;
  /** The server's `peridio-request-id`, to quote to support. */
  requestId?: string;
  fields?: DeskErrorField[];
}

/** How a command's answer crosses a transport (IPC, WebSocket): plain data either way. */
export type CommandReply<T = unknown> = { ok: true; result: T } | { ok: false; error: DeskError };

// ---------------------------------------------------------------------------------------
// Input pieces

/** Names go into keychain accounts, JSON keys and command lines; starting with a letter or
 * digit keeps them from looking like an option (`-x`) or a special key (`__proto__`). The one
 * rule for profile, signing key and watch rule names, in commands and in the settings file. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const NAME_RULE =
  'a name is 1 to 64 letters, digits, "-", "_" or ".", and starts with a letter or digit';
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export { isPrn, parsePrn, type PrnType } from './prn.js';
export {
  PROXY_URL_EXAMPLE,
  checkProxyInput,
  proxyUrlProblem,
  shownProxyUrl,
  splitProxyUrl,
  withProxyPassword,
  type ProxyInputCheck,
  type ProxyUrlCheck,
  type ProxyUrlParts,
} from './proxy-url.js';
export {
  RATE_EXAMPLES,
  RATE_UNITS,
  formatRate,
  parseRate,
  type ParsedRate,
  type RateUnit,
} from './rate.js';

function text(what: string, min: number, max: number) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be text`),
    })
    .min(
      min,
      min === 1 ? `${what} must not be empty` : `${what} must be at least ${min} characters`,
    )
    .max(max, `${what} must be at most ${max} characters`);
}

function singleLine(what: string, min: number, max: number) {
  return text(what, min, max).refine((value) => !CONTROL_CHARACTERS.test(value), {
    message: `${what} must not contain control characters (line breaks, tabs, NUL)`,
  });
}

function prn(type: PrnType, what: string) {
  return z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be text`),
    })
    .max(200, `${what} is too long for a PRN`)
    .refine((value) => isPrn(value, type), {
      message: `${what} must be ${aPrnOf(type)} (prn:1:<organization-uuid>:${type}:<uuid>)`,
    });
}

const name = (what: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be text`),
    })
    .regex(NAME_PATTERN, `${what}: ${NAME_RULE}`);

/** A rate as people write it (`5MB/s`, `40Mbit/s`, `off`), by the grammar of rate.ts. */
const rate = (what: string) =>
  singleLine(what, 1, 64).superRefine((value, ctx) => {
    const parsed = parseRate(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });

/** A local file path: absolute or relative to the engine's folder, one line, bounded. */
const filePath = (what: string) => singleLine(what, 1, 4096);
// The pieces below build a fresh schema per call: only the commands' builders use them.
const cursor = () => text('the cursor', 1, 2048).optional();
const description = () => singleLine('the description', 1, 256).optional();
/**
 * A binary's target, one rule for an upload and a watch rule: at most 128 characters, with no
 * spaces (a target is one word, such as a triplet) and no control characters.
 */
function targetText(message: string, whenEmpty = message) {
  return z
    .string({ error: message })
    .min(1, whenEmpty)
    .regex(/^\S*$/u, message)
    .refine((value) => [...value].length <= 128 && !CONTROL_CHARACTERS.test(value), message);
}
const target = () =>
  targetText(
    'the target must be at most 128 characters with no spaces or control characters, such as aarch64-unknown-linux-gnu',
    'the target must not be empty',
  );
const jobId = () =>
  z
    .string({ error: 'the job id must be text' })
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'the job id is the id a job was given (letters, digits, "-")');

const signingKeyChoice = () =>
  z.discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('keychain'), name: name('the signing key name') }),
      z.strictObject({
        kind: z.literal('file'),
        privateKeyPath: filePath('the private key path'),
        signingKeyPrn: prn('signing_key', 'the signing key PRN'),
      }),
    ],
    {
      error:
        'the signing key is { kind: "keychain", name } or { kind: "file", privateKeyPath, signingKeyPrn }',
    },
  );

const nothing = () => z.strictObject({});

/** A profile's proxy: `http://` or `https://`, a host, an optional port and user (and
 * password, which the engine moves to the keychain); no path, query or fragment. */
const proxyUrl = () =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'the proxy URL is missing' : 'the proxy URL must be text',
    })
    .superRefine((value, ctx) => {
      const checked = splitProxyUrl(value);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
    });
/** The proxy user's password, typed apart from the URL; goes to the keychain only. */
const proxyPassword = () => singleLine('the proxy password', 1, 1024);

/** A password needs a user in the URL to go with, and is given once (in the URL or apart). */
function proxyPasswordFits(
  input: { proxyUrl?: unknown; proxyPassword?: unknown },
  ctx: z.RefinementCtx,
): void {
  // Run even when other fields are wrong (WHEN_AN_OBJECT): a wrong password is its own issue,
  // and a wrong URL the URL's.
  if (typeof input.proxyPassword !== 'string') return;
  if (typeof input.proxyUrl !== 'string') {
    ctx.addIssue({
      code: 'custom',
      path: ['proxyPassword'],
      message: 'a proxy password needs a proxy URL to go with',
    });
    return;
  }
  const checked = checkProxyInput(input.proxyUrl, input.proxyPassword);
  if (!checked.ok && checked.field === 'proxyPassword') {
    ctx.addIssue({ code: 'custom', path: ['proxyPassword'], message: checked.message });
  }
}

/** An artifact named by its PRN, or by its name (what `artifacts.create` accepts). */
const artifactRef = () =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'the artifact is missing' : 'the artifact must be text',
    })
    .superRefine((value, ctx) => {
      if (value.startsWith('prn:')) {
        if (!isPrn(value, 'artifact')) {
          ctx.addIssue({
            code: 'custom',
            message:
              'the artifact must be an artifact PRN (prn:1:<organization-uuid>:artifact:<uuid>) or an artifact name',
          });
        }
        return;
      }
      const checked = singleLine('the artifact name', 1, 128).safeParse(value);
      if (!checked.success) {
        for (const issue of checked.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message });
        }
      }
    });

// Watch rules: the one shape of a rule, for `watch.save`, the rules in the settings file and
// the rules files people write. Messages say what the field must be, without its name: each
// face puts the field before them (`rule.target: ...`, `rule "nightly": target: ...`). The
// engine layers on what needs Node (globs compiled as the watcher does, whether a path is
// absolute on its system, a rules file's shorthands and relative paths, the defaults): see
// src-main/settings/watch-rule-schema.ts.

/** Unknown fields are refused, not dropped, so a typo is named instead of silently lost. */
export function unknownField(issue: { code?: string; keys?: string[] }): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const keys = issue.keys ?? [];
  const secret = keys.some((key) => /api.?key|private/i.test(key));
  const password = keys.some((key) => /passw(or)?d/i.test(key));
  return (
    `unknown field${keys.length === 1 ? '' : 's'} ${keys.map(quoted).join(', ')}` +
    (secret ? ' (API keys and private keys belong in the OS keychain, never in this file)' : '') +
    (password && !secret ? ' (passwords belong in the OS keychain, never in this file)' : '')
  );
}

/** A rule's defaults, for the fields a rule may leave out. */
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

/** A value quoted in a message: its first 80 characters, so a pasted file cannot flood it. */
export function quoted(value: string): string {
  const characters = [...value];
  return `"${characters.length > 80 ? `${characters.slice(0, 80).join('')}…` : value}"`;
}

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
    return `${quoted(source)} is not a valid regular expression (${detail})`;
  }
  // An alternative that matches the empty string shows every named group of the pattern,
  // however deep, as a key of `groups`.
  const groups = compilePathPattern(`(?:${source})|`).exec('')?.groups ?? {};
  if (!Object.hasOwn(groups, group)) {
    return (
      `${quoted(source)} has no named group "${group}"; mark the part of the path that is the ` +
      `${group} with (?<${group}>...), such as ^(?<${group}>[^/]+)/`
    );
  }
  return undefined;
}

/** Why `pattern` cannot be an include or exclude glob as written, or undefined. (Whether the
 * glob compiles the engine checks, with the matcher the watcher uses.) */
export function globShapeProblem(pattern: string): string | undefined {
  if (pattern === '') return 'a pattern is empty';
  if (pattern.startsWith('/')) {
    return (
      `${quoted(pattern)} starts with "/", but patterns are matched against the path relative to ` +
      'the folder; write it as a relative pattern such as "**/*.bin"'
    );
  }
  // On Windows people write `**\*.bin`; in a glob `\` escapes, so that would never match.
  if (pattern.includes('\\')) {
    return `${quoted(pattern)} holds "\\"; separate folders with "/" (also on Windows), such as "out/**/*.bin"`;
  }
  if (pattern.startsWith('!')) {
    return `${quoted(pattern)} starts with "!"; list the files to leave out in "exclude" instead`;
  }
  return undefined;
}

/** Absolute on some system: `/x`, `C:\x`, `C:/x` or `\\server\share`. Whether it is on the
 * engine's own system, the engine checks. */
export const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/;
const ABSOLUTE_EXAMPLES = {
  folder: '/builds/out or C:\\builds\\out',
  key: '/etc/peridio/release.pem or C:\\keys\\release.pem',
};

const ruleText = (what: string, max: number) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be text`),
    })
    .min(1, `${what} is empty`)
    .max(max, `${what} must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), {
      message: `${what} must not contain control characters (line breaks, tabs, NUL)`,
    });

const rulePath = (what: string, example: string) =>
  ruleText(what, 4096).refine((value) => value === '' || ABSOLUTE_PATH.test(value), {
    error: (issue) =>
      `${quoted(String(issue.input))} is not an absolute path; use an absolute path such as ${example}`,
  });

const rulePrn = (what: string, type: PrnType, hint: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be text`),
    })
    .max(200, `${what} is too long for a PRN`)
    .superRefine((value, ctx) => {
      const parsed = parsePrn(value, type);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `${parsed.message}; ${hint}` });
    });

/** A regular expression with the named group `group`, matched against the relative path. */
const rulePathPattern = (what: string, group: string) =>
  ruleText(what, 1024).superRefine((source, ctx) => {
    const problem = pathPatternProblem(source, group);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

const ruleName = (what: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${what} is missing` : `${what} must be text`),
    })
    .regex(NAME_PATTERN, NAME_RULE);

const ruleGlobs = (field: 'include' | 'exclude') =>
  z
    .array(
      z
        .string({ error: 'must hold glob patterns, each as text' })
        .max(1024, 'a pattern must be at most 1024 characters')
        .refine((value) => !CONTROL_CHARACTERS.test(value), {
          message: 'a pattern must not contain control characters (line breaks, tabs, NUL)',
        })
        .superRefine((value, ctx) => {
          const problem = globShapeProblem(value);
          if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
        }),
      { error: 'must be a list of glob patterns, such as ["**/*.bin"]' },
    )
    .max(100, 'holds at most 100 patterns')
    .refine((patterns) => field !== 'include' || patterns.length > 0, {
      message: 'is empty, so the rule would take no file; leave it out to take every file',
    });

const ruleBoolean = () => z.boolean({ error: 'must be true or false' });

const TARGET_KINDS =
  'a target triplet such as aarch64-unknown-linux-gnu, "auto", or {"fromPath": "..."}';
const TARGET_RULE = `must be ${TARGET_KINDS}`;

const ruleTarget = z.union(
  [
    targetText(TARGET_RULE),
    z.strictObject(
      { fromPath: rulePathPattern('the target pattern', 'target') },
      { error: unknownField },
    ),
  ],
  {
    error: (issue) =>
      issue.input === undefined ? `is missing; give ${TARGET_KINDS}` : TARGET_RULE,
  },
);

const ruleSigningKey = z.discriminatedUnion(
  'kind',
  [
    z.strictObject(
      { kind: z.literal('keychain'), name: ruleName('the signing key name') },
      { error: unknownField },
    ),
    z.strictObject(
      {
        kind: z.literal('file'),
        privateKeyPath: rulePath('the private key path', ABSOLUTE_EXAMPLES.key),
        signingKeyPrn: rulePrn(
          'the signing key PRN',
          'signing_key',
          'use a PRN such as prn:1:<org-uuid>:signing_key:<uuid>',
        ),
      },
      { error: unknownField },
    ),
  ],
  {
    error:
      'must be {"kind": "keychain", "name": "<key name>"} or ' +
      '{"kind": "file", "privateKeyPath": "...", "signingKeyPrn": "..."}',
  },
);

/** A rule's fields, each with its own check. Optional ones take WATCH_RULE_DEFAULTS; of
 * `artifactVersionPrn` and `artifactVersion` exactly one is given (see `oneArtifactVersion`). */
export const watchRuleObject = z.strictObject(
  {
    name: ruleName('the name'),
    folder: rulePath('the folder', ABSOLUTE_EXAMPLES.folder),
    recursive: ruleBoolean().optional(),
    include: ruleGlobs('include').optional(),
    exclude: ruleGlobs('exclude').optional(),
    artifactVersionPrn: rulePrn(
      'the artifact version PRN',
      'artifact_version',
      'use a PRN such as prn:1:<org-uuid>:artifact_version:<uuid>, or take the version ' +
        'from the path with "artifactVersion": {"artifactPrn": "...", "fromPath": "..."}',
    )
      .nullable()
      .optional(),
    artifactVersion: z
      .strictObject(
        {
          artifactPrn: rulePrn(
            'the artifact PRN',
            'artifact',
            'use a PRN such as prn:1:<org-uuid>:artifact:<uuid>',
          ),
          fromPath: rulePathPattern('the version pattern', 'version'),
        },
        {
          error: (issue) =>
            unknownField(issue) ??
            'must be {"artifactPrn": "<artifact PRN>", "fromPath": "<regular expression>"}',
        },
      )
      .nullable()
      .optional(),
    target: ruleTarget,
    signingKey: ruleSigningKey.nullable().optional(),
    replace: ruleBoolean().optional(),
    spool: ruleBoolean().optional(),
    settleMs: z
      .int({ error: SETTLE_RULE })
      .min(0, SETTLE_RULE)
      .max(MAX_SETTLE_MS, `${SETTLE_RULE} (10 minutes)`)
      .optional(),
    paused: ruleBoolean().optional(),
  },
  {
    error: (issue) =>
      unknownField(issue) ??
      (issue.code === 'invalid_type'
        ? 'a rule must be an object such as {"name": "nightly", "folder": "/builds/out", ...}'
        : undefined),
  },
);

/** A rule takes its files to a fixed artifact version or to the version in their path. */
export function oneArtifactVersion(
  rule: { artifactVersionPrn?: unknown; artifactVersion?: unknown },
  ctx: z.RefinementCtx,
): void {
  const fixed = rule.artifactVersionPrn !== undefined && rule.artifactVersionPrn !== null;
  const fromPath = rule.artifactVersion !== undefined && rule.artifactVersion !== null;
  if (fixed !== fromPath) return;
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

/** Checked even when other fields are wrong, so one look shows every problem. */
export const WHEN_AN_OBJECT = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === 'object' && payload.value !== null,
};

/** A watch rule as a face sends it or a file holds it (in the engine's words, the rule's
 * input; fields with a default may be left out). */
export const watchRuleInput = watchRuleObject.superRefine(oneArtifactVersion, WHEN_AN_OBJECT);

export type WatchRuleInput = z.input<typeof watchRuleInput>;

/** A rule as the list shows it goes back to `watch.save` as it is (an edit form's round trip):
 * a change to either shape that breaks this fails to typecheck. */
export const SAVED_RULE_FITS_THE_INPUT: [WatchRuleSettingsView] extends [WatchRuleInput]
  ? true
  : false = true;

// ---------------------------------------------------------------------------------------
// Commands

/**
 * Each command's input schema, built the first time it is asked for: a command-line run uses
 * one or two of them, and building all of them took it 6-10 ms at every start.
 */
const commandInputBuilders = {
  'workspace.get': () => nothing(),
  /** While offline: ask the server now rather than at the next probe (backoff up to 60 s). */
  'workspace.checkConnection': () => nothing(),

  'profiles.list': () => nothing(),
  'profiles.add': () =>
    z
      .strictObject({
        name: name('the profile name'),
        baseUrl: singleLine('the base URL', 1, 2048),
        // Goes to the keychain only; the settings file never sees it.
        apiKey: singleLine('the API key', 1, 512),
        caPath: filePath('the CA file path').optional(),
        // A password in it (or in proxyPassword) goes to the keychain; the settings keep the
        // rest. Left out when replacing, the profile keeps the proxy it has (profiles.setProxy
        // removes it).
        proxyUrl: proxyUrl().optional(),
        proxyPassword: proxyPassword().optional(),
        // Logging in again to a profile that exists: its base URL and key are replaced.
        replace: z.boolean({ error: 'replace must be true or false' }).optional(),
      })
      .superRefine(proxyPasswordFits, WHEN_AN_OBJECT),
  'profiles.use': () => z.strictObject({ name: name('the profile name').nullable() }),
  'profiles.remove': () => z.strictObject({ name: name('the profile name') }),
  /**
   * Sets, changes or (with null) removes a profile's proxy. Without a password, a saved one is
   * kept while the user name and host stay the same, and deleted when either changes.
   */
  'profiles.setProxy': () =>
    z
      .strictObject({
        name: name('the profile name'),
        proxyUrl: proxyUrl().nullable(),
        proxyPassword: proxyPassword().optional(),
      })
      .superRefine(proxyPasswordFits, WHEN_AN_OBJECT),
  'profiles.importCli': () => z.strictObject({ overwrite: z.boolean().optional() }),

  'artifacts.list': () => z.strictObject({ cursor: cursor() }),
  'artifacts.create': () =>
    z.strictObject({
      name: singleLine('the artifact name', 1, 128),
      description: description(),
    }),
  /** One artifact by its PRN or its name (names are unique in an organization). */
  'artifacts.find': () => z.strictObject({ artifact: artifactRef() }),
  'artifactVersions.list': () =>
    z.strictObject({
      artifactPrn: prn('artifact', 'the artifact PRN'),
      cursor: cursor(),
    }),
  'artifactVersions.create': () =>
    z.strictObject({
      artifactPrn: prn('artifact', 'the artifact PRN'),
      version: singleLine('the version', 1, 128),
      description: description(),
    }),
  /** One version of an artifact (given by PRN or name), by its version text. */
  'artifactVersions.find': () =>
    z.strictObject({
      artifact: artifactRef(),
      version: singleLine('the version', 1, 128),
    }),

  'binaries.list': () =>
    z.strictObject({
      artifactVersionPrn: prn('artifact_version', 'the artifact version PRN'),
      cursor: cursor(),
      limit: z
        .number({ error: 'the limit must be a number' })
        .int('the limit must be a whole number')
        .min(1, 'the limit is 1 to 100')
        .max(100, 'the limit is 1 to 100')
        .optional(),
    }),
  'binaries.get': () => z.strictObject({ prn: prn('binary', 'the binary PRN') }),
  'binaries.markComplete': () => z.strictObject({ prn: prn('binary', 'the binary PRN') }),
  'binaries.reset': () => z.strictObject({ prn: prn('binary', 'the binary PRN') }),
  'binaries.sign': () =>
    z.strictObject({
      prn: prn('binary', 'the binary PRN'),
      signingKey: signingKeyChoice(),
    }),
  'binaries.affectedReleases': () => z.strictObject({ prn: prn('binary', 'the binary PRN') }),
  'binaries.destroy': () =>
    z.strictObject({
      prn: prn('binary', 'the binary PRN'),
      // Typed by a person who saw what is destroyed: must equal the binary's target.
      confirmTarget: target(),
      disableReleasePrns: z
        .array(prn('release', 'a release PRN'), {
          error: 'disableReleasePrns must be a list of release PRNs',
        })
        .max(1000, 'at most 1,000 releases at once')
        .optional(),
    }),

  'uploads.detectTarget': () => z.strictObject({ path: filePath('the file path') }),
  'uploads.enqueue': () =>
    z.strictObject({
      path: filePath('the file path'),
      artifactVersionPrn: prn('artifact_version', 'the artifact version PRN'),
      target: target(),
      signingKey: signingKeyChoice().nullable().optional(),
      replace: z.boolean({ error: 'replace must be true or false' }).optional(),
    }),

  'jobs.list': () =>
    z.strictObject({
      /** Only jobs in these statuses; all when left out. */
      status: z
        .array(
          z.enum(['queued', 'running', 'waiting', 'paused', 'done', 'failed', 'cancelled'], {
            error: 'a status is one of queued, running, waiting, paused, done, failed or cancelled',
          }),
          { error: 'status must be a list of job statuses' },
        )
        .min(1, 'give at least one status, or leave status out for all')
        .max(7, 'at most the 7 statuses')
        .optional(),
      /** Whose jobs: "current" (the default), "all", or a workspace as a job names it
       * (`request.workspace`: "local", "profile:NAME", "environment:URL"). */
      workspace: singleLine('the workspace', 1, 2048).optional(),
      cursor: cursor(),
      limit: z
        .number({ error: 'the limit must be a number' })
        .int('the limit must be a whole number')
        .min(1, 'the limit is 1 to 500')
        .max(500, 'the limit is 1 to 500')
        .optional(),
    }),
  'jobs.pause': () => z.strictObject({ id: jobId() }),
  'jobs.resume': () => z.strictObject({ id: jobId() }),
  'jobs.retry': () => z.strictObject({ id: jobId() }),
  'jobs.cancel': () => z.strictObject({ id: jobId() }),
  /** Takes up a binary's upload again: its job resumed or retried, or queued anew from its file. */
  'binaries.resumeUpload': () => z.strictObject({ prn: prn('binary', 'the binary PRN') }),

  'keys.list': () => nothing(),
  'keys.import': () =>
    z.strictObject({
      name: name('the signing key name'),
      pem: text('the PEM', 1, 16_384),
      // The key's registration on the server, when known: the pair must match it. Without it
      // the key is looked up by its public value, and registered when the server lacks it.
      signingKeyPrn: prn('signing_key', 'the signing key PRN').optional(),
    }),
  'keys.create': () => z.strictObject({ name: name('the signing key name') }),
  'keys.remove': () => z.strictObject({ name: name('the signing key name') }),
  /** Checks a signing key as an upload would before sending anything: its private half can
   * be had, it is registered in the workspace's organization with the same public key. */
  'keys.check': () => z.strictObject({ signingKey: signingKeyChoice() }),

  'watch.list': () => nothing(),
  'watch.save': () =>
    z.strictObject({
      rule: watchRuleInput,
      // Without it the name must be new; with it the rule of that name is replaced (renamed
      // when the names differ), so an add form cannot overwrite a rule by accident.
      editing: name('the name of the rule being edited').optional(),
    }),
  'watch.remove': () => z.strictObject({ name: name('the rule name') }),
  'watch.pause': () => z.strictObject({ name: name('the rule name') }),
  'watch.resume': () => z.strictObject({ name: name('the rule name') }),

  'preferences.get': () => nothing(),
  /** Changes the given preferences; a change of the cap applies to running uploads at once,
   * one of the stall timeout to the uploads started after it, one of the uploads at once to
   * the next upload to start. */
  'preferences.set': () =>
    z.strictObject({
      maxRate: rate('the bandwidth cap').optional(),
      stallTimeoutSeconds: stallTimeoutSecondsSchema.optional(),
      jobConcurrency: jobConcurrencySchema.optional(),
    }),
} as const;

export const commandInputs = builtOnFirstUse(commandInputBuilders);

/** An object whose properties are built by their builder at first read, then kept. */
function builtOnFirstUse<T extends Record<string, () => unknown>>(
  builders: T,
): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const built = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(builders) as (keyof T & string)[]) {
    Object.defineProperty(built, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = builders[key]!();
        Object.defineProperty(built, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return built;
}

export interface CommandResults {
  'workspace.get': WorkspaceInfo;
  'workspace.checkConnection': WorkspaceInfo;
  'profiles.list': ProfileView[];
  'profiles.add': ProfileView;
  'profiles.use': WorkspaceInfo;
  'profiles.remove': { removed: boolean };
  'profiles.setProxy': ProfileView;
  'profiles.importCli': CliImportReportView;
  'artifacts.list': PageOf<ArtifactView>;
  'artifacts.create': ArtifactView;
  'artifacts.find': ArtifactView;
  'artifactVersions.list': PageOf<ArtifactVersionView>;
  'artifactVersions.create': ArtifactVersionView;
  'artifactVersions.find': ArtifactVersionView;
  'binaries.list': PageOf<BinaryView>;
  'binaries.get': BinaryView;
  'binaries.markComplete': BinaryView;
  'binaries.reset': BinaryView;
  'binaries.sign': BinaryView;
  'binaries.affectedReleases': { bundles: BundleView[]; releases: ReleaseView[] };
  'binaries.destroy': { binary: BinaryView; disabledReleasePrns: string[] };
  'uploads.detectTarget': TargetDetectionView;
  'uploads.enqueue': JobView;
  /** In queue order (oldest first), 100 a page unless `limit` says otherwise. */
  'jobs.list': PageOf<JobView>;
  'jobs.pause': JobView;
  'jobs.resume': JobView;
  'jobs.retry': JobView;
  'jobs.cancel': JobView;
  'binaries.resumeUpload': JobView;
  'keys.list': SigningKeyView[];
  'keys.import': SigningKeyView;
  'keys.create': SigningKeyView;
  'keys.remove': { removed: boolean };
  'keys.check': { signingKeyPrn: string };
  'watch.list': WatchRuleView[];
  'watch.save': WatchRuleView;
  'watch.remove': { removed: boolean };
  'watch.pause': WatchRuleView;
  'watch.resume': WatchRuleView;
  'preferences.get': PreferencesView;
  'preferences.set': PreferencesView;
}

export type CommandName = keyof typeof commandInputs;
/** What a caller passes (optional fields may be left out). */
export type CommandInput<N extends CommandName> = z.input<(typeof commandInputs)[N]>;
/** What the engine works with once the input is checked. */
export type CheckedInput<N extends CommandName> = z.output<(typeof commandInputs)[N]>;
export type CommandResult<N extends CommandName> = CommandResults[N];

export function isCommandName(value: unknown): value is CommandName {
  return typeof value === 'string' && Object.hasOwn(commandInputs, value);
}

// ---------------------------------------------------------------------------------------
// Events

export interface EventPayloads {
  'job:queued': { job: JobView };
  'job:step': { jobId: string; step: JobStep; message: string };
  'job:progress': { jobId: string; progress: TransferProgressView };
  'job:ended': { job: JobView; outcome: JobOutcomeView };
  'connectivity:changed': { online: boolean; reason: string | null };
  /**
   * The queue cannot read or write its database (locked by another program, removed, disk
   * full): uploads wait and it retries in `retryInMs`; `stalled: false` once it works again.
   */
  'queue:stalled':
    | { stalled: true; reason: string; retryInMs: number }
    | { stalled: false; reason: null; retryInMs: null };
  /** Something failed outside any job (a loop of the queue, the connection check, the watch
   * folders); it was logged and is retried or was got over. Said for people. */
  'engine:error': { source: 'queue' | 'connectivity' | 'watch' | 'engine'; message: string };
  /** Another profile (or the local workspace) is in use now. */
  'workspace:changed': { workspace: WorkspaceInfo };
  /** Every rule with its status: on start, save, remove, pause, resume, folder gone or back. */
  'watch:changed': { rules: WatchRuleView[] };
  /**
   * What became of files in watched folders, in order: at most one batch each 250 ms and at
   * most 50 files in one (when more happen, conflicts and failures are kept first, then
   * queued and uploaded files; `omitted` counts the rest), with the counters of the rules
   * the batch touches (the totals, omitted files included).
   */
  'watch:files': {
    files: WatchFileView[];
    omitted: number;
    counters: { rule: string; counters: WatchCountersView }[];
  };
  /** A preference changed (the bandwidth cap, in force at once; the stall timeout). */
  'preferences:changed': { preferences: PreferencesView };
}

export type EventName = keyof EventPayloads;
export type EventPayload<N extends EventName> = EventPayloads[N];
export type DeskEvent = { [N in EventName]: { name: N; payload: EventPayloads[N] } }[EventName];

/** `true` when A and B are the same union. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * contract-names.ts lists exactly the commands and events defined here: a missing or extra
 * name there makes this fail to typecheck.
 */
export const NAMES_MATCH_THE_CONTRACT: [
  Same<CommandName, (typeof COMMAND_NAMES)[number]>,
  Same<EventName, (typeof EVENT_NAMES)[number]>,
] = [true, true];

// ---------------------------------------------------------------------------------------
// Checking an input: the engine does it at the door; a face may do it early for quick feedback.

function plainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || 'input';
}

export type InputCheck<N extends CommandName> =
  { ok: true; value: CheckedInput<N> } | { ok: false; error: DeskError };

/**
 * Checks a command's input. No input counts as `{}` (for commands that take none); anything
 * but a plain object is refused, so a value smuggling fields through its prototype cannot pass.
 */
export function checkCommandInput<N extends CommandName>(name: N, input: unknown): InputCheck<N> {
  const refuse = (fields: DeskErrorField[]): InputCheck<N> => ({
    ok: false,
    error: {
      code: 'invalid_input',
      message:
        `${name} was not run: ` +
        fields.map((f) => `${f.field}: ${f.message}`).join('; ') +
        '. Fix the input and try again; nothing was changed.',
      fields,
    },
  });
  const value = input === undefined ? {} : input;
  if (!plainObject(value)) {
    return refuse([{ field: 'input', message: 'the input must be an object of named fields' }]);
  }
  const parsed = commandInputs[name].safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as CheckedInput<N> };
  return refuse(
    parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => `"${key.slice(0, 64)}"`).join(', ');
        return {
          field: fieldOf(issue.path),
          message: `unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}`,
        };
      }
      return { field: fieldOf(issue.path), message: issue.message };
    }),
  );
}

/**
 * A content hash as people are shown it, in messages and the UI alike: its first 12 hex
 * digits (enough to tell two contents apart at a glance), '' for none.
 */
export function shortHash(hash: string | null | undefined, length = 12): string {
  return hash ? hash.slice(0, length) : '';
}

// ---------------------------------------------------------------------------------------
// The desktop bridge: what the preload exposes on `window[DESK_BRIDGE_GLOBAL]` (the channels
// under it are in contract-names.ts). One function per command and one subscribe per event,
// nothing else,
// plus `pathForFile`: a dropped file's path can only be read in the preload (Electron's
// `webUtils`), and the dashboard's counterpart is `POST /api/files`.

export interface DeskBridge {
  commands: {
    [N in CommandName]: (input?: CommandInput<N>) => Promise<CommandReply<CommandResult<N>>>;
  };
  events: { [N in EventName]: (listener: (payload: EventPayload<N>) => void) => () => void };
  /** The local path of a file the person dropped or picked; '' when it has none. */
  pathForFile(file: File): string;
}
