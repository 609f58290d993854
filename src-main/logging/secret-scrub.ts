// What may not reach a log line: API keys, tokens, private keys, passwords and the credentials
// in a proxy URL. Fields are dropped by name; strings lose what looks like a secret. Applied
// to everything handed to the logger (fields, messages, errors), so a module cannot forget.

const SECRET_FIELD =
  /api[-_]?key|token|secret|passw(or)?d|passphrase|private[-_]?key|authorization|cookie|^pem$|credential/i;

const SECRET_TEXT: [RegExp, string][] = [
  // A PEM private key, whole.
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    '[redacted private key]',
  ],
  // user:password@ in any URL (a proxy's, a profile's base URL).
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1[redacted]@'],
  [/\b(Bearer|Basic)\s+[^\s,;"']+/gi, '$1 [redacted]'],
  // Query parameters that carry a credential (presigned URLs, tokens in links).
  [
    /([?&#][^=&\s#]*(?:token|key|signature|credential|secret)[^=&\s#]*=)[^&\s#"']+/gi,
    '$1[redacted]',
  ],
];

export const REDACTED = '[redacted]';

export function scrubText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_TEXT) result = result.replace(pattern, replacement);
  return result;
}

/** A copy of `value` without secrets; errors become plain data (type, message, code, stack). */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[nested too deep]';
  if (value instanceof Error) {
    const { code, status, requestId } = value as Error & Record<string, unknown>;
    const plain: Record<string, unknown> = { type: value.name, message: value.message };
    if (code !== undefined) plain.code = code;
    if (status !== undefined) plain.status = status;
    if (requestId !== undefined) plain.requestId = requestId;
    if (value.stack) plain.stack = value.stack;
    if (value.cause !== undefined) plain.cause = value.cause;
    return scrubSecrets(plain, depth + 1);
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => scrubSecrets(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = SECRET_FIELD.test(key) ? REDACTED : scrubSecrets(field, depth + 1);
  }
  return copy;
}
