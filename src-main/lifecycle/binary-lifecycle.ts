// The binary lifecycle, defined once: the transition table the local server enforces,
// the allowed-actions answer the UI shows, and the XState machine the upload workflow runs.
import { assign, setup } from 'xstate';

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

/** Who may cause a change: the client with a PATCH, or the server on its own. */
export type Actor = 'client' | 'server';

export type LifecycleEvent =
  | 'COMPLETE' // client: "upload complete", the server checks and joins the parts
  | 'HASH' // client: ask the server to hash the stored content
  | 'HASH_MATCHED' // server: its hash equals the declared one
  | 'HASH_MISMATCHED' // server: its hash differs
  | 'SIGNATURE_ATTACHED' // server: a valid signature was attached
  | 'RESET' // client: delete all parts, bump the revision
  | 'DESTROY'; // client: delete the content for good

export interface Transition {
  event: LifecycleEvent;
  from: readonly BinaryState[];
  to: BinaryState;
  by: Actor;
  /** What happens besides the state change, for people. */
  effect: string;
}

export const TRANSITIONS: readonly Transition[] = [
  {
    event: 'COMPLETE',
    from: ['uploadable'],
    to: 'hashable',
    by: 'client',
    effect: 'the parts are checked (contiguous, all valid, sizes add up) and joined',
  },
  {
    event: 'HASH',
    from: ['hashable'],
    to: 'hashing',
    by: 'client',
    effect: 'the server starts hashing the stored content',
  },
  {
    event: 'HASH_MATCHED',
    from: ['hashing'],
    to: 'signable',
    by: 'server',
    effect: 'the content is verified and may be signed',
  },
  {
    event: 'HASH_MISMATCHED',
    from: ['hashing'],
    to: 'hashable',
    by: 'server',
    effect: 'the content does not match the declared hash; reset and upload again',
  },
  {
    event: 'SIGNATURE_ATTACHED',
    from: ['signable'],
    to: 'signed',
    by: 'server',
    effect: 'the binary is signed and final',
  },
  {
    event: 'RESET',
    from: ['hashable', 'hashing', 'signable'],
    to: 'uploadable',
    by: 'client',
    effect: 'all parts are deleted and the revision goes up by one',
  },
  {
    event: 'DESTROY',
    from: ['signed'],
    to: 'destroyed',
    by: 'client',
    effect: 'the content is deleted for good; the record stays, marked destroyed',
  },
];

/** The transition an event causes from a state, if it is legal there. */
export function transitionFor(from: BinaryState, event: LifecycleEvent): Transition | undefined {
  return TRANSITIONS.find((t) => t.event === event && t.from.includes(from));
}

export type StateChangeCheck =
  { ok: true; transition: Transition | null } | { ok: false; message: string };

/**
 * Checks a state change requested by `actor` (a client PATCH or the server itself).
 * A change to the current state succeeds and does nothing (`transition: null`).
 */
export function checkStateChange(
  from: BinaryState,
  to: BinaryState,
  actor: Actor = 'client',
): StateChangeCheck {
  if (from === to) return { ok: true, transition: null };
  const transition = TRANSITIONS.find(
    (t) => t.by === actor && t.to === to && t.from.includes(from),
  );
  if (transition) return { ok: true, transition };
  return { ok: false, message: `cannot transition from ${from} to ${to}` };
}

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

/** Which user actions a binary in this state allows. */
export function allowedActions(state: BinaryState): AllowedActions {
  const can = (event: LifecycleEvent) => transitionFor(state, event) !== undefined;
  return {
    upload: state === 'uploadable',
    markComplete: can('COMPLETE'),
    hash: can('HASH'),
    reset: can('RESET'),
    sign: state === 'signable' || state === 'signed',
    destroy: can('DESTROY'),
  };
}

export type BinaryLifecycleEvent =
  | { type: LifecycleEvent }
  /** The server's state is the truth: jump to whatever it reports. */
  | { type: 'SYNC'; state: BinaryState; revision?: number };

export interface BinaryLifecycleContext {
  revision: number;
}

function eventsFrom(state: BinaryState) {
  const on: Record<string, { target: BinaryState; actions?: 'bumpRevision' }> = {};
  for (const t of TRANSITIONS) {
    if (t.from.includes(state)) {
      on[t.event] =
        t.event === 'RESET' ? { target: t.to, actions: 'bumpRevision' } : { target: t.to };
    }
  }
  return on;
}

/**
 * The lifecycle as an XState machine, built from TRANSITIONS so that the table stays the
 * one definition. Events that are illegal in a state are ignored (the state stays).
 * Start it in a known state with `lifecycleSnapshot`.
 */
export const binaryLifecycle = setup({
  types: {
    context: {} as BinaryLifecycleContext,
    events: {} as BinaryLifecycleEvent,
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
    uploadable: { on: eventsFrom('uploadable') },
    hashable: { on: eventsFrom('hashable') },
    hashing: { on: eventsFrom('hashing') },
    signable: { on: eventsFrom('signable') },
    signed: { on: eventsFrom('signed') },
    destroyed: { type: 'final' },
  },
});

/** A snapshot to start the machine in the state the server reported. */
export function lifecycleSnapshot(state: BinaryState, revision = 0) {
  return binaryLifecycle.resolveState({ value: state, context: { revision } });
}
