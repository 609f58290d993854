import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import {
  BINARY_STATES,
  LIFECYCLE_EVENTS,
  allowedActions,
  binaryLifecycle,
  checkStateChange,
  eventAllowed,
  lifecycleSnapshot,
  transitionFor,
  transitionsFrom,
  type Actor,
  type BinaryState,
  type LifecycleEvent,
} from '../../../src-main/lifecycle/index.js';

const ACTORS: Actor[] = ['client', 'server'];

// The lifecycle as the contract page states it, written out by hand so that a change to the
// machine that breaks the contract fails here: each legal event, where it leads and who may
// cause it. Every other (state, event, actor) is refused.
const LEGAL: Record<BinaryState, Partial<Record<LifecycleEvent, [BinaryState, Actor]>>> = {
  uploadable: { UPLOAD_PART: ['uploadable', 'client'], COMPLETE: ['hashable', 'client'] },
  hashable: { HASH: ['hashing', 'client'], RESET: ['uploadable', 'client'] },
  hashing: {
    HASH_MATCHED: ['signable', 'server'],
    HASH_MISMATCHED: ['hashable', 'server'],
    RESET: ['uploadable', 'client'],
  },
  signable: {
    SIGN: ['signable', 'client'],
    SIGNATURE_ATTACHED: ['signed', 'server'],
    RESET: ['uploadable', 'client'],
  },
  signed: { SIGN: ['signed', 'client'], DESTROY: ['destroyed', 'client'] },
  destroyed: {},
};

function expected(state: BinaryState, event: LifecycleEvent, by: Actor): BinaryState | undefined {
  const legal = LEGAL[state][event];
  return legal && legal[1] === by ? legal[0] : undefined;
}

function actorIn(state: BinaryState, revision = 0) {
  return createActor(binaryLifecycle, { snapshot: lifecycleSnapshot(state, revision) }).start();
}

describe('binary lifecycle machine', () => {
  it('starts a new binary as uploadable with revision 0', () => {
    const actor = createActor(binaryLifecycle).start();
    expect(actor.getSnapshot().value).toBe('uploadable');
    expect(actor.getSnapshot().context.revision).toBe(0);
  });

  it('walks the happy path to destroyed, each move by its own actor', () => {
    const actor = createActor(binaryLifecycle).start();
    const seen: unknown[] = [actor.getSnapshot().value];
    actor.subscribe((s) => seen.push(s.value));
    actor.send({ type: 'COMPLETE', by: 'client' });
    actor.send({ type: 'HASH', by: 'client' });
    actor.send({ type: 'HASH_MATCHED', by: 'server' });
    actor.send({ type: 'SIGNATURE_ATTACHED', by: 'server' });
    actor.send({ type: 'DESTROY', by: 'client' });
    expect(seen).toEqual(['uploadable', 'hashable', 'hashing', 'signable', 'signed', 'destroyed']);
    expect(actor.getSnapshot().status).toBe('done');
  });

  // Every state, every event, every actor: the running machine, and each question asked of it.
  for (const state of BINARY_STATES) {
    for (const event of LIFECYCLE_EVENTS) {
      for (const by of ACTORS) {
        const to = expected(state, event, by);
        it(`${event} by the ${by} in ${state} ${to ? `moves to ${to}` : 'is refused'}`, () => {
          const actor = actorIn(state, 3);
          // A destroyed binary is final: its actor is done and takes no events at all.
          if (state !== 'destroyed') actor.send({ type: event, by });
          expect(actor.getSnapshot().value).toBe(to ?? state);
          expect(eventAllowed(state, event, by)).toBe(to !== undefined);
          const move = transitionFor(state, event, by);
          if (to === undefined) expect(move).toBeUndefined();
          else {
            expect(move).toMatchObject({ event, from: state, to, by });
            expect(move?.effect).not.toBe('');
          }
        });
      }
    }
  }

  it('lists, walked from the machine, exactly the legal moves of each state', () => {
    for (const state of BINARY_STATES) {
      const walked = transitionsFrom(state).map((t) => [t.event, t.to, t.by]);
      const legal = Object.entries(LEGAL[state]).map(([event, [to, by]]) => [event, to, by]);
      expect(walked.sort()).toEqual(legal.sort());
    }
  });

  it('bumps the revision on reset and only on reset', () => {
    const actor = actorIn('signable', 2);
    actor.send({ type: 'SIGNATURE_ATTACHED', by: 'server' });
    expect(actor.getSnapshot().context.revision).toBe(2);
    const other = actorIn('hashing', 2);
    other.send({ type: 'RESET', by: 'client' });
    expect(other.getSnapshot().value).toBe('uploadable');
    expect(other.getSnapshot().context.revision).toBe(3);
    const refused = actorIn('hashing', 2);
    refused.send({ type: 'RESET', by: 'server' });
    expect(refused.getSnapshot().value).toBe('hashing');
    expect(refused.getSnapshot().context.revision).toBe(2);
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

describe('checkStateChange (what the local server enforces)', () => {
  for (const from of BINARY_STATES) {
    for (const to of BINARY_STATES) {
      for (const by of ACTORS) {
        const legal =
          from === to ||
          LIFECYCLE_EVENTS.some((event) => to !== from && expected(from, event, by) === to);
        it(`${by} ${from} -> ${to} is ${legal ? 'allowed' : 'refused'}`, () => {
          const result = checkStateChange(from, to, by);
          expect(result.ok).toBe(legal);
          if (!result.ok) expect(result.message).toBe(`cannot transition from ${from} to ${to}`);
          else if (from !== to) expect(result.transition).toMatchObject({ from, to, by });
        });
      }
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

  it('names the event and its effect, for the server to act on', () => {
    expect(checkStateChange('hashing', 'uploadable', 'client')).toEqual({
      ok: true,
      transition: {
        event: 'RESET',
        from: 'hashing',
        to: 'uploadable',
        by: 'client',
        effect: 'all parts are deleted and the revision goes up by one',
      },
    });
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
    const none = {
      upload: false,
      markComplete: false,
      hash: false,
      reset: false,
      sign: false,
      destroy: false,
    };
    expect(table).toEqual({
      uploadable: { ...none, upload: true, markComplete: true },
      hashable: { ...none, hash: true, reset: true },
      hashing: { ...none, reset: true },
      signable: { ...none, reset: true, sign: true },
      signed: { ...none, sign: true, destroy: true },
      destroyed: none,
    });
  });
});
