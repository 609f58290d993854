import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  BINARY_STATES,
  TRANSITIONS,
  allowedActions,
  binaryLifecycle,
  checkStateChange,
  lifecycleSnapshot,
  type BinaryState,
  type LifecycleEvent,
} from '../../../src-main/lifecycle/index.js';

const EVENTS: LifecycleEvent[] = [
  'COMPLETE',
  'HASH',
  'HASH_MATCHED',
  'HASH_MISMATCHED',
  'SIGNATURE_ATTACHED',
  'RESET',
  'DESTROY',
];

// The lifecycle as the contract page states it, written out by hand so that a change to
// TRANSITIONS that breaks the contract fails here.
const LEGAL: Record<BinaryState, Partial<Record<LifecycleEvent, BinaryState>>> = {
  uploadable: { COMPLETE: 'hashable' },
  hashable: { HASH: 'hashing', RESET: 'uploadable' },
  hashing: { HASH_MATCHED: 'signable', HASH_MISMATCHED: 'hashable', RESET: 'uploadable' },
  signable: { SIGNATURE_ATTACHED: 'signed', RESET: 'uploadable' },
  signed: { DESTROY: 'destroyed' },
  destroyed: {},
};

function actorIn(state: BinaryState, revision = 0) {
  return createActor(binaryLifecycle, { snapshot: lifecycleSnapshot(state, revision) }).start();
}

describe('binary lifecycle machine', () => {
  it('starts a new binary as uploadable with revision 0', () => {
    const actor = createActor(binaryLifecycle).start();
    expect(actor.getSnapshot().value).toBe('uploadable');
    expect(actor.getSnapshot().context.revision).toBe(0);
  });

  it('walks the happy path to destroyed', () => {
    const actor = createActor(binaryLifecycle).start();
    const seen: unknown[] = [actor.getSnapshot().value];
    actor.subscribe((s) => seen.push(s.value));
    for (const type of [
      'COMPLETE',
      'HASH',
      'HASH_MATCHED',
      'SIGNATURE_ATTACHED',
      'DESTROY',
    ] as const) {
      actor.send({ type });
    }
    expect(seen).toEqual(['uploadable', 'hashable', 'hashing', 'signable', 'signed', 'destroyed']);
    expect(actor.getSnapshot().status).toBe('done');
  });

  for (const state of BINARY_STATES) {
    for (const event of EVENTS) {
      const expected = LEGAL[state][event];
      it(`${event} in ${state} ${expected ? `moves to ${expected}` : 'is refused (state stays)'}`, () => {
        const actor = actorIn(state, 3);
        actor.send({ type: event });
        expect(actor.getSnapshot().value).toBe(expected ?? state);
      });
    }
  }

  it('bumps the revision on reset and only on reset', () => {
    const actor = actorIn('signable', 2);
    actor.send({ type: 'SIGNATURE_ATTACHED' });
    expect(actor.getSnapshot().context.revision).toBe(2);
    const other = actorIn('hashing', 2);
    other.send({ type: 'RESET' });
    expect(other.getSnapshot().value).toBe('uploadable');
    expect(other.getSnapshot().context.revision).toBe(3);
  });

  it('follows the server on SYNC, including its revision', () => {
    const actor = actorIn('uploadable');
    actor.send({ type: 'SYNC', state: 'signable', revision: 5 });
    expect(actor.getSnapshot().value).toBe('signable');
    expect(actor.getSnapshot().context.revision).toBe(5);
    actor.send({ type: 'SYNC', state: 'hashable' });
    expect(actor.getSnapshot().value).toBe('hashable');
    expect(actor.getSnapshot().context.revision).toBe(5);
  });
});

describe('checkStateChange (the table the server enforces)', () => {
  for (const from of BINARY_STATES) {
    for (const to of BINARY_STATES) {
      const clientLegal =
        from === to ||
        TRANSITIONS.some((t) => t.by === 'client' && t.to === to && t.from.includes(from));
      it(`client PATCH ${from} -> ${to} is ${clientLegal ? 'allowed' : 'refused'}`, () => {
        const result = checkStateChange(from, to, 'client');
        expect(result.ok).toBe(clientLegal);
        if (!result.ok) expect(result.message).toBe(`cannot transition from ${from} to ${to}`);
      });
    }
  }

  it('allows exactly the client changes the contract lists', () => {
    const allowed = BINARY_STATES.flatMap((from) =>
      BINARY_STATES.filter((to) => to !== from && checkStateChange(from, to).ok).map(
        (to) => `${from}->${to}`,
      ),
    );
    expect(allowed.sort()).toEqual(
      [
        'uploadable->hashable',
        'hashable->hashing',
        'hashable->uploadable',
        'hashing->uploadable',
        'signable->uploadable',
        'signed->destroyed',
      ].sort(),
    );
  });

  it('leaves the server-only changes to the server', () => {
    expect(checkStateChange('hashing', 'signable', 'client').ok).toBe(false);
    expect(checkStateChange('hashing', 'signable', 'server').ok).toBe(true);
    expect(checkStateChange('hashing', 'hashable', 'server').ok).toBe(true);
    expect(checkStateChange('signable', 'signed', 'client').ok).toBe(false);
    expect(checkStateChange('signable', 'signed', 'server').ok).toBe(true);
    expect(checkStateChange('signed', 'destroyed', 'server').ok).toBe(false);
  });

  it('treats a change to the current state as a no-op', () => {
    for (const state of BINARY_STATES) {
      expect(checkStateChange(state, state)).toEqual({ ok: true, transition: null });
    }
  });
});

describe('allowedActions', () => {
  it('answers per state', () => {
    const table = Object.fromEntries(BINARY_STATES.map((s) => [s, allowedActions(s)]));
    expect(table).toEqual({
      uploadable: {
        upload: true,
        markComplete: true,
        hash: false,
        reset: false,
        sign: false,
        destroy: false,
      },
      hashable: {
        upload: false,
        markComplete: false,
        hash: true,
        reset: true,
        sign: false,
        destroy: false,
      },
      hashing: {
        upload: false,
        markComplete: false,
        hash: false,
        reset: true,
        sign: false,
        destroy: false,
      },
      signable: {
        upload: false,
        markComplete: false,
        hash: false,
        reset: true,
        sign: true,
        destroy: false,
      },
      signed: {
        upload: false,
        markComplete: false,
        hash: false,
        reset: false,
        sign: true,
        destroy: true,
      },
      destroyed: {
        upload: false,
        markComplete: false,
        hash: false,
        reset: false,
        sign: false,
        destroy: false,
      },
    });
  });
});
