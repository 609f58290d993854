// The binary lifecycle, defined once as an XState machine: its states, the events that move
// a binary between them, and who may cause each (a guard on the event's actor: the client with
// a request, or the server on its own). Every question is answered by asking this machine at
// run time: the local server's PATCH, hasher and signatures, the upload workflow's next step,
// and the allowed actions the faces show. There is no table beside it.
import { assign, setup, transition, type TransitionDefinition } from 'xstate';
import type { AllowedActions } from '../../src-preload/contract.js';

export const BINARY_STATES = [
  'uploadable',
  'hashable',
  'hashing',
  'signable',
  'signed',
  'destroyed',
] as const;

export type BinaryState = (typeof BINARY_STATES)[number];

export function isBinaryState(value: unknown): value is BinaryState {
  return typeof value === 'string' && (BINARY_STATES as readonly string[]).includes(value);
}

/** Who may cause a change: the client with a request, or the server on its own. */
export type Actor = 'client' | 'server';

export const LIFECYCLE_EVENTS = [
  'UPLOAD_PART', // client: store a part (the state stays)
  'COMPLETE', // client: "upload complete", the server checks and joins the parts
  'HASH', // client: ask the server to hash the stored content
  'HASH_MATCHED', // server: its hash equals the declared one
  'HASH_MISMATCHED', // server: its hash differs
  'SIGN', // client: attach a signature (the server then moves a signable binary on)
  'SIGNATURE_ATTACHED', // server: a valid signature was attached
  'RESET', // client: delete all parts, bump the revision
  'DESTROY', // client: delete the content for good
] as const;

export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export type BinaryLifecycleEvent =
  | { type: LifecycleEvent; by: Actor }
  /** The server's state is the truth: jump to whatever it reports. */
  | { type: 'SYNC'; state: BinaryState; revision?: number };

export interface BinaryLifecycleContext {
  revision: number;
}

const byClient = { type: 'by', params: { actor: 'client' } } as const;
const byServer = { type: 'by', params: { actor: 'server' } } as const;

const reset = {
  guard: byClient,
  target: 'uploadable',
  actions: 'bumpRevision',
  description: 'all parts are deleted and the revision goes up by one',
} as const;

/**
 * The lifecycle. Events that are illegal in a state, or sent by an actor that may not cause
 * them, are ignored (the state stays). Start it in a known state with `lifecycleSnapshot`.
 */
export const binaryLifecycle = setup({
  types: {
    context: {} as BinaryLifecycleContext,
    events: {} as BinaryLifecycleEvent,
  },
  guards: {
    by: ({ event }, params: { actor: Actor }) => event.type !== 'SYNC' && event.by === params.actor,
  },
  actions: {
    bumpRevision: assign({ revision: ({ context }) => context.revision + 1 }),
    syncRevision: assign({
      revision: ({ context, event }) =>
        event.type === 'SYNC' && event.revision !== undefined ? event.revision : context.revision,
    }),
  },
}).createMachine({
  id: 'binaryLifecycle',
  context: { revision: 0 },
  initial: 'uploadable',
  on: {
    SYNC: BINARY_STATES.map((state) => ({
      guard: ({ event }: { event: BinaryLifecycleEvent }) =>
        event.type === 'SYNC' && event.state === state,
      target: `.${state}`,
      actions: 'syncRevision' as const,
    })),
  },
  states: {
    uploadable: {
      on: {
        UPLOAD_PART: {
          guard: byClient,
          description: 'a part is stored; the server checks its size and hash',
        },
        COMPLETE: {
          guard: byClient,
          target: 'hashable',
          description: 'the parts are checked (contiguous, all valid, sizes add up) and joined',
        },
      },
    },
    hashable: {
      on: {
        HASH: {
          guard: byClient,
          target: 'hashing',
          description: 'the server starts hashing the stored content',
        },
        RESET: reset,
      },
    },
    hashing: {
      on: {
        HASH_MATCHED: {
          guard: byServer,
          target: 'signable',
          description: 'the content is verified and may be signed',
        },
        HASH_MISMATCHED: {
          guard: byServer,
          target: 'hashable',
          description: 'the content does not match the declared hash; reset and upload again',
        },
        RESET: reset,
      },
    },
    signable: {
      on: {
        SIGN: { guard: byClient, description: 'a signature is attached and checked' },
        SIGNATURE_ATTACHED: {
          guard: byServer,
          target: 'signed',
          description: 'the binary is signed and final',
        },
        RESET: reset,
      },
    },
    signed: {
      on: {
        SIGN: { guard: byClient, description: 'another signature is attached' },
        DESTROY: {
          guard: byClient,
          target: 'destroyed',
          description: 'the content is deleted for good; the record stays, marked destroyed',
        },
      },
    },
    destroyed: { type: 'final' },
  },
});

/** A snapshot to start the machine in the state the server reported. */
export function lifecycleSnapshot(state: BinaryState, revision = 0) {
  return binaryLifecycle.resolveState({ value: state, context: { revision } });
}

// A snapshot per state, made once: the questions below only read them.
const snapshots = new Map<BinaryState, ReturnType<typeof lifecycleSnapshot>>();
function snapshotIn(state: BinaryState) {
  let snapshot = snapshots.get(state);
  if (!snapshot) {
    snapshot = lifecycleSnapshot(state);
    snapshots.set(state, snapshot);
  }
  return snapshot;
}

/** One legal move, as the machine has it. */
export interface Transition {
  event: LifecycleEvent;
  from: BinaryState;
  /** The state after it; the same state for a move that changes none (a part, a signature). */
  to: BinaryState;
  by: Actor;
  /** What happens besides the state change, for people. */
  effect: string;
}

function enabled(
  state: BinaryState,
  event: LifecycleEvent,
  by: Actor,
): TransitionDefinition<BinaryLifecycleContext, BinaryLifecycleEvent> | undefined {
  return binaryLifecycle.getTransitionData(snapshotIn(state), { type: event, by })[0];
}

/** Whether `by` may cause `event` while a binary is in `state`. */
export function eventAllowed(state: BinaryState, event: LifecycleEvent, by: Actor): boolean {
  return enabled(state, event, by) !== undefined;
}

/** The move `event` caused by `by` makes from `from`, when the machine allows it. */
export function transitionFor(
  from: BinaryState,
  event: LifecycleEvent,
  by: Actor,
): Transition | undefined {
  const definition = enabled(from, event, by);
  if (!definition) return undefined;
  const [next] = transition(binaryLifecycle, snapshotIn(from), { type: event, by });
  return { event, from, to: next.value, by, effect: definition.description ?? '' };
}

/** Every legal move from `state`, by every actor: the machine walked, for people and tests. */
export function transitionsFrom(state: BinaryState): Transition[] {
  return LIFECYCLE_EVENTS.flatMap((event) =>
    (['client', 'server'] as const).flatMap((by) => transitionFor(state, event, by) ?? []),
  );
}

export type StateChangeCheck =
  { ok: true; transition: Transition | null } | { ok: false; message: string };

/**
 * Checks a state change requested by `actor` (a client PATCH or the server itself): legal
 * when an event that actor may cause moves the binary from `from` to `to`. A change to the
 * current state succeeds and does nothing (`transition: null`).
 */
export function checkStateChange(
  from: BinaryState,
  to: BinaryState,
  actor: Actor = 'client',
): StateChangeCheck {
  if (from === to) return { ok: true, transition: null };
  const found = LIFECYCLE_EVENTS.map((event) => transitionFor(from, event, actor)).find(
    (t) => t?.to === to,
  );
  if (found) return { ok: true, transition: found };
  return { ok: false, message: `cannot transition from ${from} to ${to}` };
}

// The contract's shape: the faces read it as the lifecycle gives it.
export type { AllowedActions };

/** The client's event behind each action a person may take. */
const ACTION_EVENTS: Record<keyof AllowedActions, LifecycleEvent> = {
  upload: 'UPLOAD_PART',
  markComplete: 'COMPLETE',
  hash: 'HASH',
  reset: 'RESET',
  sign: 'SIGN',
  destroy: 'DESTROY',
};

/** Which user actions a binary in this state allows: the client's legal events there. */
export function allowedActions(state: BinaryState): AllowedActions {
  const can = (action: keyof AllowedActions) =>
    eventAllowed(state, ACTION_EVENTS[action], 'client');
  return {
    upload: can('upload'),
    markComplete: can('markComplete'),
    hash: can('hash'),
    reset: can('reset'),
    sign: can('sign'),
    destroy: can('destroy'),
  };
}
