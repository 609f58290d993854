// What the settings file may hold, as zod schemas: the same rules check a hand-edited file
// on load and every change before it is written.
import { z } from 'zod';
import { checkBaseUrl } from '../credentials/index.js';
import { isPrn } from '../peridio/index.js';
import { isPublicKeyValue } from '../signing/index.js';
import {
  NAME_PATTERN,
  NAME_RULE,
  STALL_TIMEOUT_SECONDS,
  jobConcurrencySchema,
  parseRate,
  splitProxyUrl,
  stallTimeoutSecondsSchema,
  unknownField,
} from '../../src-preload/contract.js';
import type { SettingsProblem } from './settings-errors.js';
import { ruleFieldOf, ruleLabelAt, watchRuleListSchema } from './watch-rule-schema.js';

export { NAME_RULE };

/** Zod's message for a missing or non-text field. */
function textError(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `${what} is missing` : `${what} must be text`;
}

const nameSchema = z.string({ error: textError('the name') }).regex(NAME_PATTERN, NAME_RULE);

/** Why `name` cannot name a profile, signing key or watch rule, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  return NAME_PATTERN.test(name) ? undefined : NAME_RULE;
}

export const baseUrlSchema = z
  .string({ error: textError('the base URL') })
  .transform((value, ctx) => {
    const checked = checkBaseUrl(value);
    if (checked.ok) return checked.baseUrl;
    ctx.addIssue({ code: 'custom', message: `the base URL ${checked.message}` });
    return z.NEVER;
  });

export const apiVersionSchema = z.union([z.literal(1), z.literal(2)], {
  error: 'the API version is 1 or 2',
});

export const organizationPrnSchema = z
  .string({ error: textError('the organization PRN') })
  .refine((value) => isPrn(value, 'organization'), {
    message: 'the organization PRN must look like prn:1:<uuid>',
  });

const caPathSchema = z.string({ error: textError('the CA path') }).min(1, 'the CA path is empty');

/** A profile's proxy as this file keeps it: the contract's rules, and never a password. */
export const proxyUrlSchema = z
  .string({ error: textError('the proxy URL') })
  .transform((value, ctx) => {
    const checked = splitProxyUrl(value);
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', message: checked.message });
      return z.NEVER;
    }
    if (checked.parts.password !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'the proxy URL must not hold a password (it belongs in the OS keychain, never in this file)',
      });
      return z.NEVER;
    }
    return checked.parts.url;
  });

export const storedProfileSchema = z.strictObject(
  {
    baseUrl: baseUrlSchema,
    caPath: caPathSchema.optional(),
    apiVersion: apiVersionSchema.optional(),
    organizationPrn: organizationPrnSchema.optional(),
    proxyUrl: proxyUrlSchema.optional(),
  },
  { error: unknownField },
);

export const profileInputSchema = z.strictObject(
  {
    name: nameSchema,
    baseUrl: baseUrlSchema,
    caPath: caPathSchema.optional(),
    apiVersion: apiVersionSchema.optional(),
    organizationPrn: organizationPrnSchema.optional(),
    proxyUrl: proxyUrlSchema.optional(),
  },
  { error: unknownField },
);

export const profileChangesSchema = z.strictObject(
  {
    baseUrl: baseUrlSchema.optional(),
    caPath: caPathSchema.nullable().optional(),
    apiVersion: apiVersionSchema.optional(),
    organizationPrn: organizationPrnSchema.nullable().optional(),
    proxyUrl: proxyUrlSchema.nullable().optional(),
  },
  { error: unknownField },
);

const signingKeyFields = {
  signingKeyPrn: z
    .string({ error: textError('the signing key PRN') })
    .refine((value) => isPrn(value, 'signing_key'), {
      message: 'the signing key PRN must look like prn:1:<org-uuid>:signing_key:<uuid>',
    }),
  keyid: z
    .string({ error: textError('the keyid') })
    .min(1)
    .max(256),
  publicValue: z.string({ error: textError('the public key value') }).refine(isPublicKeyValue, {
    message: 'the public key value must be the base64 of a raw 32-byte Ed25519 public key',
  }),
};

export const storedSigningKeySchema = z.strictObject(
  { ...signingKeyFields, source: z.literal('keychain', { error: 'the source is "keychain"' }) },
  { error: unknownField },
);

export const signingKeyInputSchema = z.strictObject(
  { name: nameSchema, ...signingKeyFields },
  { error: unknownField },
);

export const DEFAULT_PREFERENCES = {
  uploadConcurrency: 4,
  spool: false,
  finishedJobsKeepDays: 30,
  finishedJobsKeepLast: 1000,
  maxRate: 'unlimited',
  stallTimeoutSeconds: STALL_TIMEOUT_SECONDS.default,
  /** Adaptive: the engine chooses from the files' sizes and the server's answers. */
  jobConcurrency: null,
} as const;

const uploadConcurrencySchema = z
  .int({ error: 'the upload concurrency must be a whole number' })
  .min(1, 'the upload concurrency is at least 1')
  .max(16, 'the upload concurrency is at most 16');

/** The bandwidth cap as people write it (`5MB/s`, `40Mbit/s`, `off`), kept as the app writes
 * it back (`5 MB/s`, `unlimited`). */
const maxRateSchema = z
  .string({ error: 'the bandwidth cap must be text, such as "5MB/s"' })
  .transform((value, ctx) => {
    const parsed = parseRate(value);
    if (parsed.ok) return parsed.text;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

export const preferencesSchema = z.strictObject(
  {
    uploadConcurrency: uploadConcurrencySchema.optional(),
    spool: z.boolean({ error: 'spool is true or false' }).optional(),
    finishedJobsKeepDays: z
      .int({ error: 'the days to keep finished jobs must be a whole number' })
      .min(1, 'finished jobs are kept at least 1 day')
      .max(3650, 'finished jobs are kept at most 3,650 days')
      .optional(),
    finishedJobsKeepLast: z
      .int({ error: 'the number of finished jobs to keep must be a whole number' })
      .min(0, 'the number of finished jobs to keep is 0 or more')
      .max(100_000, 'at most 100,000 finished jobs are kept')
      .optional(),
    maxRate: maxRateSchema.optional(),
    stallTimeoutSeconds: stallTimeoutSecondsSchema.optional(),
    jobConcurrency: jobConcurrencySchema.optional(),
  },
  { error: unknownField },
);

export const settingsFileSchema = z
  // Loose at the top: other parts of the app (and electron-store in the desktop app) keep
  // their own keys in the same file.
  .looseObject({
    currentProfile: nameSchema.nullable().optional(),
    profiles: z.record(nameSchema, storedProfileSchema).optional(),
    signingKeys: z.record(nameSchema, storedSigningKeySchema).optional(),
    preferences: preferencesSchema.optional(),
    // A list, not a map by name like profiles: the order is kept as the user gave it.
    watchRules: watchRuleListSchema().optional(),
  })
  .superRefine(
    (file, ctx) => {
      const current = file.currentProfile;
      const profiles: unknown = file.profiles ?? {};
      if (typeof current !== 'string' || typeof profiles !== 'object' || profiles === null) return;
      if (!Object.hasOwn(profiles, current)) {
        ctx.addIssue({
          code: 'custom',
          path: ['currentProfile'],
          message: `names the profile "${current}", which is not in profiles`,
        });
      }
    },
    // Checked even when other fields are wrong, so one look at the error shows every problem.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  );

export type SettingsFile = z.output<typeof settingsFileSchema>;
export type StoredProfile = z.output<typeof storedProfileSchema>;
export type StoredSigningKey = z.output<typeof storedSigningKeySchema>;

function fieldOf(path: readonly PropertyKey[], file: unknown): string {
  const [top, index, ...rest] = path;
  if (top === 'watchRules' && typeof index === 'number') {
    // By the rule's name (or "rule 2"), as the watch rules file names them.
    const rules = typeof file === 'object' && file !== null ? Reflect.get(file, top) : undefined;
    const inside = ruleFieldOf(rest);
    return `watchRules.${ruleLabelAt(rules, index)}${inside === '' ? '' : `.${inside}`}`;
  }
  return path.map(String).join('.');
}

/** Zod's issues as problems a person can act on, each naming its field. `file` is the value
 * that was parsed, for the names of watch rules. */
export function problemsOf(error: z.ZodError, file?: unknown): SettingsProblem[] {
  return error.issues.flatMap((issue) => {
    const field = fieldOf(issue.path, file);
    if (issue.code === 'invalid_key') {
      return issue.issues.map((inner) => ({
        field,
        message: `not a valid name: ${inner.message}`,
      }));
    }
    return [{ field, message: issue.message }];
  });
}
