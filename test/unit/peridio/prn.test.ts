import { describe, expect, it } from 'vitest';
import {
  assertPrn,
  formatPrn,
  isPrn,
  organizationPrn,
  parsePrn,
  resourcePrn,
} from '../../../src-main/peridio/index.js';
import { ORG, UUID_A } from './test-server.js';

describe('PRNs', () => {
  it('parses the organization form', () => {
    expect(parsePrn(`prn:1:${ORG}`)).toEqual({
      ok: true,
      prn: { kind: 'organization', organizationId: ORG },
    });
  });

  it('parses the resource form and formats it back unchanged', () => {
    const text = `prn:1:${ORG}:binary:${UUID_A}`;
    const parsed = assertPrn(text, 'binary');
    expect(parsed).toEqual({ kind: 'resource', organizationId: ORG, type: 'binary', id: UUID_A });
    expect(formatPrn(parsed)).toBe(text);
    expect(resourcePrn(ORG, 'binary', UUID_A)).toBe(text);
    expect(organizationPrn(ORG)).toBe(`prn:1:${ORG}`);
  });

  it.each([
    ['a bad organization UUID', `prn:1:not-a-uuid:binary:${UUID_A}`, 'is not a UUID'],
    ['a bad resource UUID', `prn:1:${ORG}:binary:1234`, '"1234" is not a UUID'],
    ['an unknown type', `prn:1:${ORG}:gadget:${UUID_A}`, 'unknown resource type "gadget"'],
    ['a wrong version', `prn:2:${ORG}:binary:${UUID_A}`, 'must start with "prn:1:"'],
    ['too few parts', `prn:1:${ORG}:binary`, 'expected prn:1:<org-uuid>'],
    ['an empty string', '', 'non-empty string'],
  ])('refuses %s with the reason', (_why, value, reason) => {
    const result = parsePrn(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(reason);
    expect(isPrn(value)).toBe(false);
  });

  it('refuses a PRN of the wrong type when a type is expected', () => {
    const artifact = `prn:1:${ORG}:artifact:${UUID_A}`;
    expect(isPrn(artifact, 'artifact')).toBe(true);
    expect(isPrn(artifact, 'binary')).toBe(false);
    expect(() => assertPrn(artifact, 'binary')).toThrow(
      'expected a binary PRN, got an artifact PRN',
    );
    expect(isPrn(`prn:1:${ORG}`, 'binary')).toBe(false);
  });
});
