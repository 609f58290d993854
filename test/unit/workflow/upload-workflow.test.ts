// The upload workflow machine, with its steps provided as fakes over a small in-memory server
// that moves its binary only as the lifecycle machine allows: from every state the server may
// report, the workflow takes exactly the steps left, in order, and ends where it should.
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, toPromise } from 'xstate';
import {
  BINARY_STATES,
  transitionFor,
  type Actor,
  type BinaryState,
  type LifecycleEvent,
} from '../../../src-main/lifecycle/index.js';
import type { Binary } from '../../../src-main/peridio/index.js';
import type { Job, SigningKeyRef } from '../../../src-main/queue/index.js';
import type { HashedFile } from '../../../src-main/upload/index.js';
import { JobFailure } from '../../../src-main/workflow/job-failure.js';
import { nextStepFor, type NextStep } from '../../../src-main/workflow/upload-steps.js';
import { uploadWorkflow } from '../../../src-main/workflow/upload-workflow.js';

const PART = 1024;
const FILE: HashedFile = {
  path: '/builds/out/firmware.img',
  size: 4 * PART,
  mtimeMs: 1_700_000_000_000,
  sha256: 'a'.repeat(64),
  partSize: PART,
  parts: [0, 1, 2, 3].map((index) => ({
    index,
    offset: index * PART,
    size: PART,
    sha256: String(index).repeat(64),
  })),
};

const KEY: SigningKeyRef = { kind: 'keychain', name: 'release' };

function jobFor(signingKey: SigningKeyRef | null): Job {
  return {
    id: 'job-1',
    createdAt: '2026-12-06T00:00:00Z',
    updatedAt: '2026-12-06T00:00:00Z',
    status: 'running',
    step: 'queued',
    request: {
      path: FILE.path,
      artifactVersionPrn: 'prn:1:o:artifact_version:v',
      target: 'aarch64-unknown-linux-gnu',
      signingKey,
      replace: false,
      workspace: 'local',
    },
    queuedFile: { size: FILE.size, mtimeMs: FILE.mtimeMs },
    binaryId: 'b',
    binaryPrn: null,
    binaryState: null,
    error: null,
    waitingReason: null,
    attempts: 1,
    sourcePath: null,
    sha256: null,
  };
}

/** The server's side: one binary and its valid parts, moved only as the lifecycle allows. */
class FakeServer {
  binary: Binary;
  readonly validParts: Set<number>;
  readonly steps: string[] = [];
  readonly sentParts: number[] = [];

  constructor(
    state: BinaryState,
    validParts: number[] = [],
    private readonly hashMatches = true,
  ) {
    this.validParts = new Set(validParts);
    this.binary = {
      prn: 'prn:1:o:binary:b',
      organization_prn: 'prn:1:o',
      inserted_at: '2026-12-06T00:00:00Z',
      updated_at: '2026-12-06T00:00:00Z',
      artifact_version_prn: 'prn:1:o:artifact_version:v',
      target: 'aarch64-unknown-linux-gnu',
      hash: FILE.sha256,
      size: FILE.size,
      description: null,
      custom_metadata: null,
      state,
      revision: 0,
      signatures: null,
    } as Binary;
  }

  /** A request or the server's own move; refused (as the server answers 422) when illegal. */
  apply(event: LifecycleEvent, by: Actor): Binary {
    const move = transitionFor(this.binary.state, event, by);
    if (!move) throw new Error(`the server refuses ${event} in ${this.binary.state}`);
    this.binary = { ...this.binary, state: move.to };
    return this.binary;
  }

  /** The workflow's steps as actors, each recording itself and acting on this server. */
  actors(options: { streamed?: boolean } = {}) {
    const step = (name: string) => this.steps.push(name);
    return {
      prepare: fromPromise<{ file: HashedFile; binary: Binary | null }, { job: Job }>(async () => {
        step('prepare');
        if (!options.streamed) return { file: FILE, binary: null };
        // Hashed and sent in one read: every part is on the server already.
        for (const part of FILE.parts) this.validParts.add(part.index);
        return { file: FILE, binary: this.binary };
      }),
      findBinary: fromPromise<Binary, { job: Job; file: HashedFile }>(async () => {
        step('findBinary');
        return this.binary;
      }),
      uploadParts: fromPromise<Binary, { job: Job; file: HashedFile; binary: Binary }>(async () => {
        step('uploadParts');
        for (const part of FILE.parts) {
          if (this.validParts.has(part.index)) continue;
          this.apply('UPLOAD_PART', 'client');
          this.sentParts.push(part.index);
          this.validParts.add(part.index);
        }
        return this.binary;
      }),
      markComplete: fromPromise<Binary, { job: Job; file: HashedFile; binary: Binary }>(
        async () => {
          step('markComplete');
          return this.apply('COMPLETE', 'client');
        },
      ),
      requestHash: fromPromise<Binary, { job: Job; file: HashedFile; binary: Binary }>(async () => {
        step('requestHash');
        return this.apply('HASH', 'client');
      }),
      waitForSignable: fromPromise<Binary, { job: Job; file: HashedFile; binary: Binary }>(
        async () => {
          step('waitForSignable');
          if (this.hashMatches) return this.apply('HASH_MATCHED', 'server');
          this.apply('HASH_MISMATCHED', 'server');
          throw new JobFailure('hash_mismatch', 'the stored content is not this file');
        },
      ),
      sign: fromPromise<Binary, { job: Job; file: HashedFile; binary: Binary }>(async () => {
        step('sign');
        const before = this.binary.state;
        this.apply('SIGN', 'client');
        // A signed binary takes another signature and stays signed.
        return before === 'signed' ? this.binary : this.apply('SIGNATURE_ATTACHED', 'server');
      }),
    };
  }
}

async function run(
  server: FakeServer,
  signingKey: SigningKeyRef | null,
  options: { streamed?: boolean } = {},
) {
  const machine = uploadWorkflow.provide({ actors: server.actors(options) });
  const actor = createActor(machine, { input: { job: jobFor(signingKey) } });
  actor.start();
  return toPromise(actor);
}

const AFTER_FIND: Record<BinaryState, { withKey: string[]; withoutKey: string[] }> = {
  uploadable: {
    withKey: ['uploadParts', 'markComplete', 'requestHash', 'waitForSignable', 'sign'],
    withoutKey: ['uploadParts', 'markComplete', 'requestHash', 'waitForSignable'],
  },
  hashable: {
    withKey: ['requestHash', 'waitForSignable', 'sign'],
    withoutKey: ['requestHash', 'waitForSignable'],
  },
  hashing: { withKey: ['waitForSignable', 'sign'], withoutKey: ['waitForSignable'] },
  signable: { withKey: ['sign'], withoutKey: [] },
  // The sign step adds the key's signature unless the key signed already (see upload-steps).
  signed: { withKey: ['sign'], withoutKey: [] },
  destroyed: { withKey: [], withoutKey: [] },
};

describe('the upload workflow from every server state', () => {
  for (const state of BINARY_STATES) {
    for (const withKey of [true, false]) {
      const expected = AFTER_FIND[state][withKey ? 'withKey' : 'withoutKey'];
      const end: BinaryState =
        state === 'destroyed' || state === 'signed' ? state : withKey ? 'signed' : 'signable';
      it(`${state}, ${withKey ? 'with' : 'without'} a key: ${expected.join(', ') || 'nothing more'}; ends ${end}`, async () => {
        const server = new FakeServer(state, state === 'uploadable' ? [0, 2] : [0, 1, 2, 3]);
        const { binary } = await run(server, withKey ? KEY : null);
        expect(server.steps).toEqual(['prepare', 'findBinary', ...expected]);
        expect(binary?.state).toBe(end);
        expect(server.binary.state).toBe(end);
      });
    }
  }

  it('sends only the parts the server does not hold as valid', async () => {
    const server = new FakeServer('uploadable', [0, 2]);
    await run(server, null);
    expect(server.sentParts).toEqual([1, 3]);
  });

  it('goes from a file sent in one read straight to completing it, without looking for the binary', async () => {
    const server = new FakeServer('uploadable');
    const { binary } = await run(server, KEY, { streamed: true });
    // The binary is still uploadable (its content was just declared): the parts are checked,
    // none is sent again, and the lifecycle goes on.
    expect(server.steps).toEqual([
      'prepare',
      'uploadParts',
      'markComplete',
      'requestHash',
      'waitForSignable',
      'sign',
    ]);
    expect(server.sentParts).toEqual([]);
    expect(binary?.state).toBe('signed');
  });

  it('ends in the failure of a step, and takes no step after it', async () => {
    const server = new FakeServer('hashable', [0, 1, 2, 3], false);
    await expect(run(server, KEY)).rejects.toMatchObject({ code: 'hash_mismatch' });
    expect(server.steps).toEqual(['prepare', 'findBinary', 'requestHash', 'waitForSignable']);
    expect(server.binary.state).toBe('hashable');
  });

  it('says a step that was not provided is missing, instead of skipping it', async () => {
    const actor = createActor(uploadWorkflow, { input: { job: jobFor(KEY) } });
    actor.start();
    await expect(toPromise(actor)).rejects.toThrow('the prepare step was not provided');
  });
});

describe('the next step, asked of the lifecycle machine', () => {
  const TABLE: Record<BinaryState, [NextStep, NextStep]> = {
    uploadable: ['upload', 'upload'],
    hashable: ['hash', 'hash'],
    hashing: ['wait', 'wait'],
    signable: ['sign', 'done'],
    signed: ['sign', 'done'],
    destroyed: ['done', 'done'],
  };
  for (const state of BINARY_STATES) {
    it(`${state}: ${TABLE[state][0]} with a key, ${TABLE[state][1]} without`, () => {
      expect(nextStepFor(state, true)).toBe(TABLE[state][0]);
      expect(nextStepFor(state, false)).toBe(TABLE[state][1]);
    });
  }
});
