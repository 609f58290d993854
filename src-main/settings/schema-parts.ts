// Small schema pieces shared by the settings file and the watch rules: names, text fields
// and the message for unknown fields. Kept apart from settings-schema.ts so the watch rule
// schema can use them while the settings file schema uses the watch rule schema.
import { z } from 'zod';

/** Names go into keychain account names, JSON keys and command lines; starting with a letter
 * or digit keeps them from looking like an option (`-x`) or a special key (`__proto__`). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const NAME_RULE =
  'a name is 1 to 64 letters, digits, "-", "_" or ".", and starts with a letter or digit';

/** Zod's message for a missing or non-text field. */
export function textError(what: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined ? `${what} is missing` : `${what} must be text`;
}

export const nameSchema = z.string({ error: textError('the name') }).regex(NAME_PATTERN, NAME_RULE);

/** Why `name` cannot name a profile, signing key or watch rule, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  return NAME_PATTERN.test(name) ? undefined : NAME_RULE;
}

/** Unknown fields are refused, not dropped, so a typo is named instead of silently lost. */
export function unknownField(issue: { code?: string; keys?: string[] }): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const keys = issue.keys ?? [];
  const secret = keys.some((key) => /api.?key|private/i.test(key));
  return (
    `unknown field${keys.length === 1 ? '' : 's'} ${keys.map((key) => `"${key}"`).join(', ')}` +
    (secret ? ' (API keys and private keys belong in the OS keychain, never in this file)' : '')
  );
}
