// Peridio Resource Names: `prn:1:<org-uuid>` for an organization,
// `prn:1:<org-uuid>:<type>:<uuid>` for everything else. The one grammar of them, shared by
// the contract (so the renderer, in a browser, checks PRNs as the engine does) and the
// engine's Admin API client: plain TypeScript, no imports.

export const PRN_TYPES = [
  'artifact',
  'artifact_version',
  'binary',
  'binary_part',
  'binary_signature',
  'signing_key',
  'bundle',
  'release',
  'cohort',
  'product',
] as const;

export type PrnType = (typeof PRN_TYPES)[number];

export type Prn =
  | { kind: 'organization'; organizationId: string }
  | { kind: 'resource'; organizationId: string; type: PrnType; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export type PrnResult = { ok: true; prn: Prn } | { ok: false; message: string };

/** Parses a PRN; when `expectedType` is given, the PRN must be of that type. */
export function parsePrn(value: unknown, expectedType?: PrnType | 'organization'): PrnResult {
  if (typeof value !== 'string' || value.length === 0) {
    return { ok: false, message: 'a PRN must be a non-empty string' };
  }
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  const fail = (why: string): PrnResult => ({
    ok: false,
    message: `"${shown}" is not a valid PRN: ${why}`,
  });
  const parts = value.split(':');
  if (parts[0] !== 'prn' || parts[1] !== '1') return fail('it must start with "prn:1:"');
  if (parts.length !== 3 && parts.length !== 5) {
    return fail('expected prn:1:<org-uuid> or prn:1:<org-uuid>:<type>:<uuid>');
  }
  const organizationId = parts[2] ?? '';
  if (!isUuid(organizationId)) return fail(`"${organizationId}" is not a UUID`);
  let prn: Prn;
  if (parts.length === 3) {
    prn = { kind: 'organization', organizationId };
  } else {
    const [, , , type = '', id = ''] = parts;
    if (!(PRN_TYPES as readonly string[]).includes(type)) {
      return fail(`unknown resource type "${type}"`);
    }
    if (!isUuid(id)) return fail(`"${id}" is not a UUID`);
    prn = { kind: 'resource', organizationId, type: type as PrnType, id };
  }
  if (expectedType !== undefined) {
    const actual = prn.kind === 'organization' ? 'organization' : prn.type;
    if (actual !== expectedType) {
      return fail(`expected ${aPrnOf(expectedType)}, got ${aPrnOf(actual)}`);
    }
  }
  return { ok: true, prn };
}

/** "an artifact_version PRN", "a binary PRN": a PRN of `type`, in words. */
export function aPrnOf(type: PrnType | 'organization'): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} PRN`;
}

export function isPrn(value: unknown, expectedType?: PrnType | 'organization'): value is string {
  return parsePrn(value, expectedType).ok;
}

/** Like parsePrn, but throws a TypeError with the reason. */
export function assertPrn(value: unknown, expectedType?: PrnType | 'organization'): Prn {
  const result = parsePrn(value, expectedType);
  if (!result.ok) throw new TypeError(result.message);
  return result.prn;
}

export function formatPrn(prn: Prn): string {
  return prn.kind === 'organization'
    ? `prn:1:${prn.organizationId}`
    : `prn:1:${prn.organizationId}:${prn.type}:${prn.id}`;
}

export function organizationPrn(organizationId: string): string {
  return formatPrn({ kind: 'organization', organizationId });
}

export function resourcePrn(organizationId: string, type: PrnType, id: string): string {
  return formatPrn({ kind: 'resource', organizationId, type, id });
}
