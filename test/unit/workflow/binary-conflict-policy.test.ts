// The conflict policy: from what the server (and the queue) already hold for an artifact
// version and target, what a file's upload does. Every branch, with plain data.
import { describe, expect, it } from 'vitest';
import type { BinaryState } from '../../../src-main/lifecycle/index.js';
import type { SigningKeyRef } from '../../../src-main/queue/index.js';
import {
  PENDING_CONTENT_HASH,
  conflictVerdict,
  keysNotSigned,
  queueVerdict,
  type ConflictPolicyInput,
  type QueuedJob,
} from '../../../src-main/workflow/index.js';

const CONTENT = { sha256: 'a'.repeat(64), size: 4096 };
const KEY_A = { name: 'release-a', prn: 'prn:1:o:signing_key:a' };
const KEY_B = { name: 'release-b', prn: 'prn:1:o:signing_key:b' };

function binary(
  state: BinaryState,
  options: { hash?: string; size?: number; signedBy?: string[] } = {},
): NonNullable<ConflictPolicyInput['live']> {
  return {
    prn: 'prn:1:o:binary:b',
    hash: options.hash ?? CONTENT.sha256,
    size: options.size ?? CONTENT.size,
    state,
    signatures:
      options.signedBy?.map((prn) => ({ signature: 'AB', signing_key_prn: prn, keyid: 'k' })) ??
      null,
  };
}

function verdict(
  live: ConflictPolicyInput['live'],
  extra: Partial<Omit<ConflictPolicyInput, 'live'>> = {},
) {
  return conflictVerdict({ live, content: CONTENT, replace: false, requestedKeys: [], ...extra });
}

describe('conflict policy: what the server holds', () => {
  it('no binary: a new upload', () => {
    expect(verdict(undefined)).toEqual({ kind: 'new' });
  });

  it('a binary whose content was never declared: taken over, whatever the file holds', () => {
    const pending = binary('uploadable', { hash: PENDING_CONTENT_HASH, size: 10 });
    expect(verdict(pending)).toEqual({ kind: 'take-over' });
  });

  it('the same content not finished yet: the upload continues it', () => {
    for (const state of ['uploadable', 'hashable', 'hashing'] as const) {
      expect(verdict(binary(state))).toEqual({ kind: 'continue' });
      expect(verdict(binary(state), { requestedKeys: [KEY_A] })).toEqual({ kind: 'continue' });
    }
  });

  it('the same content, signable: a duplicate without a key, signed when a key is asked', () => {
    expect(verdict(binary('signable'))).toEqual({ kind: 'duplicate' });
    expect(verdict(binary('signable'), { requestedKeys: [KEY_A] })).toEqual({ kind: 'continue' });
  });

  it('the same content, signed by the requested key (or with no key asked): a duplicate', () => {
    const signed = binary('signed', { signedBy: [KEY_A.prn] });
    expect(verdict(signed)).toEqual({ kind: 'duplicate' });
    expect(verdict(signed, { requestedKeys: [KEY_A] })).toEqual({ kind: 'duplicate' });
  });

  it('the same content, signed with another key: the requested key’s signature is added', () => {
    const signed = binary('signed', { signedBy: [KEY_A.prn] });
    expect(verdict(signed, { requestedKeys: [KEY_B] })).toEqual({
      kind: 'add-signature',
      missing: [KEY_B],
      signedBy: [KEY_A.prn],
    });
    expect(verdict(signed, { requestedKeys: [KEY_A, KEY_B] })).toEqual({
      kind: 'add-signature',
      missing: [KEY_B],
      signedBy: [KEY_A.prn],
    });
  });

  it('a key whose PRN is not known yet counts as not having signed (the job checks it)', () => {
    const signed = binary('signed', { signedBy: [KEY_A.prn] });
    const unknown = { name: 'release-a', prn: undefined };
    expect(verdict(signed, { requestedKeys: [unknown] })).toMatchObject({
      kind: 'add-signature',
      missing: [unknown],
    });
  });

  it('the same hash with another size is other content', () => {
    expect(verdict(binary('signable', { size: 1 }))).toEqual({
      kind: 'conflict',
      why: 'not-replacing',
    });
  });

  it('other content, signed: a conflict, even when the upload replaces', () => {
    const signed = binary('signed', { hash: 'b'.repeat(64), signedBy: [KEY_A.prn] });
    expect(verdict(signed, { replace: true })).toEqual({ kind: 'conflict', why: 'signed' });
    expect(verdict(signed, { requestedKeys: [KEY_B] })).toEqual({
      kind: 'conflict',
      why: 'signed',
    });
  });

  it('other content, unsigned: a conflict unless the upload replaces', () => {
    for (const state of ['uploadable', 'hashable', 'hashing', 'signable'] as const) {
      const other = binary(state, { hash: 'b'.repeat(64) });
      expect(verdict(other)).toEqual({ kind: 'conflict', why: 'not-replacing' });
      expect(verdict(other, { replace: true })).toEqual({ kind: 'replace' });
    }
  });

  it('keysNotSigned: the requested keys missing among the signatures', () => {
    expect(keysNotSigned({ signatures: null }, [KEY_A])).toEqual([KEY_A]);
    const signed = binary('signed', { signedBy: [KEY_A.prn] });
    expect(keysNotSigned(signed, [KEY_A, KEY_B])).toEqual([KEY_B]);
    expect(keysNotSigned(signed, [])).toEqual([]);
  });
});

describe('conflict policy: what the queue holds', () => {
  const FILE_KEY_A: SigningKeyRef = {
    kind: 'file',
    privateKeyPath: '/keys/a.pem',
    signingKeyPrn: KEY_A.prn,
  };
  const FILE_KEY_B: SigningKeyRef = { ...FILE_KEY_A, signingKeyPrn: KEY_B.prn };
  const KEYCHAIN_A: SigningKeyRef = { kind: 'keychain', name: 'release-a' };
  const job = (
    id: string,
    status: QueuedJob['status'],
    sha256: string,
    signingKey: SigningKeyRef | null = FILE_KEY_A,
  ): QueuedJob => ({ id, status, sha256, request: { signingKey } });
  const other = 'b'.repeat(64);

  it('nothing queued: ask the server', () => {
    expect(queueVerdict([], CONTENT, FILE_KEY_A)).toEqual({ kind: 'ask-server' });
  });

  it('the same content on its way: a duplicate, whichever key', () => {
    const queued = job('j1', 'running', CONTENT.sha256);
    expect(queueVerdict([queued], CONTENT, FILE_KEY_B)).toEqual({
      kind: 'duplicate',
      job: queued,
    });
  });

  it('the same content uploaded with the same key (or no key asked): a duplicate', () => {
    const done = job('j1', 'done', CONTENT.sha256);
    expect(
      queueVerdict([done], CONTENT, { ...FILE_KEY_A, privateKeyPath: '/elsewhere.pem' }),
    ).toEqual({ kind: 'duplicate', job: done });
    expect(queueVerdict([done], CONTENT, null)).toEqual({ kind: 'duplicate', job: done });
    const byName = job('j2', 'done', CONTENT.sha256, KEYCHAIN_A);
    expect(queueVerdict([byName], CONTENT, KEYCHAIN_A)).toEqual({
      kind: 'duplicate',
      job: byName,
    });
  });

  it('the same content uploaded with another key (or none): the server decides', () => {
    expect(queueVerdict([job('j1', 'done', CONTENT.sha256)], CONTENT, FILE_KEY_B)).toEqual({
      kind: 'ask-server',
    });
    expect(queueVerdict([job('j1', 'done', CONTENT.sha256, null)], CONTENT, KEYCHAIN_A)).toEqual({
      kind: 'ask-server',
    });
    expect(
      queueVerdict([job('j1', 'done', CONTENT.sha256, KEYCHAIN_A)], CONTENT, FILE_KEY_A),
    ).toEqual({ kind: 'ask-server' });
  });

  it('other content on its way: a conflict; other content uploaded before: the server decides', () => {
    const running = job('j1', 'queued', other);
    expect(queueVerdict([running], CONTENT, FILE_KEY_A)).toEqual({
      kind: 'conflict',
      job: running,
    });
    expect(queueVerdict([job('j1', 'done', other)], CONTENT, FILE_KEY_A)).toEqual({
      kind: 'ask-server',
    });
  });

  it('the same content on its way wins over other content queued before it', () => {
    const first = job('j1', 'paused', other);
    const same = job('j2', 'waiting', CONTENT.sha256);
    expect(queueVerdict([first, same], CONTENT, FILE_KEY_A)).toEqual({
      kind: 'duplicate',
      job: same,
    });
  });
});
