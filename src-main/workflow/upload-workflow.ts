// One upload job as an XState machine: each step is a named actor (tests may provide their
// own), and after every answer from the server the next step follows from the binary's
// state through the lifecycle's allowed actions, so a job resumed at any point picks up
// where the server stands. A file hashed and sent in one read comes out of its first step
// with its binary, and goes straight to routing.
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import type { Binary } from '../peridio/index.js';
import type { Job, RunJob } from '../queue/index.js';
import type { HashedFile } from '../upload/index.js';
import { outcomeOf } from './job-failure.js';
import { UploadSteps, nextStepFor, type UploadStepsDeps } from './upload-steps.js';

interface WorkflowContext {
  job: Job;
  file: HashedFile | null;
  binary: Binary | null;
}

type BinaryInput = { job: Job; file: HashedFile; binary: Binary };

const binaryInput = ({ context }: { context: WorkflowContext }): BinaryInput => ({
  job: context.job,
  file: context.file!,
  binary: context.binary!,
});

const notProvided = (name: string) =>
  fromPromise<Binary, BinaryInput>(async () => {
    throw new Error(`the ${name} step was not provided`);
  });

export const uploadWorkflow = setup({
  types: {
    context: {} as WorkflowContext,
    input: {} as { job: Job },
    output: {} as { binary: Binary | null },
  },
  actors: {
    prepare: fromPromise<{ file: HashedFile; binary: Binary | null }, { job: Job }>(async () => {
      throw new Error('the prepare step was not provided');
    }),
    findBinary: fromPromise<Binary, { job: Job; file: HashedFile }>(async () => {
      throw new Error('the findBinary step was not provided');
    }),
    uploadParts: notProvided('uploadParts'),
    markComplete: notProvided('markComplete'),
    requestHash: notProvided('requestHash'),
    waitForSignable: notProvided('waitForSignable'),
    sign: notProvided('sign'),
  },
  guards: {
    next: ({ context }, params: { step: ReturnType<typeof nextStepFor> }) =>
      context.binary !== null &&
      nextStepFor(context.binary.state, context.job.request.signingKey !== null) === params.step,
  },
}).createMachine({
  id: 'uploadJob',
  context: ({ input }) => ({ job: input.job, file: null, binary: null }),
  initial: 'hashingFile',
  states: {
    hashingFile: {
      invoke: {
        src: 'prepare',
        input: ({ context }) => ({ job: context.job }),
        onDone: [
          {
            guard: ({ event }) => event.output.binary !== null,
            target: 'routing',
            actions: assign({
              file: ({ event }) => event.output.file,
              binary: ({ event }) => event.output.binary,
            }),
          },
          { target: 'findingBinary', actions: assign({ file: ({ event }) => event.output.file }) },
        ],
      },
    },
    findingBinary: {
      invoke: {
        src: 'findBinary',
        input: ({ context }) => ({ job: context.job, file: context.file! }),
        onDone: { target: 'routing', actions: assign({ binary: ({ event }) => event.output }) },
      },
    },
    routing: {
      always: [
        { guard: { type: 'next', params: { step: 'upload' } }, target: 'uploading' },
        { guard: { type: 'next', params: { step: 'hash' } }, target: 'requestingHash' },
        { guard: { type: 'next', params: { step: 'wait' } }, target: 'waitingForSignable' },
        { guard: { type: 'next', params: { step: 'sign' } }, target: 'signing' },
        { target: 'done' },
      ],
    },
    uploading: {
      invoke: {
        src: 'uploadParts',
        input: binaryInput,
        onDone: { target: 'completing', actions: assign({ binary: ({ event }) => event.output }) },
      },
    },
    completing: {
      invoke: {
        src: 'markComplete',
        input: binaryInput,
        onDone: { target: 'routing', actions: assign({ binary: ({ event }) => event.output }) },
      },
    },
    requestingHash: {
      invoke: {
        src: 'requestHash',
        input: binaryInput,
        onDone: { target: 'routing', actions: assign({ binary: ({ event }) => event.output }) },
      },
    },
    waitingForSignable: {
      invoke: {
        src: 'waitForSignable',
        input: binaryInput,
        onDone: { target: 'routing', actions: assign({ binary: ({ event }) => event.output }) },
      },
    },
    signing: {
      invoke: {
        src: 'sign',
        input: binaryInput,
        onDone: { target: 'done', actions: assign({ binary: ({ event }) => event.output }) },
      },
    },
    done: { type: 'final' },
  },
  output: ({ context }) => ({ binary: context.binary }),
});

/** The queue's runner for upload jobs: one workflow actor and one worker thread per job. */
export function uploadJobRunner(deps: UploadStepsDeps): RunJob {
  return async (job, signal) => {
    const steps = new UploadSteps(job, deps);
    const machine = uploadWorkflow.provide({
      actors: {
        prepare: fromPromise(({ signal: s }) => steps.prepare(any(signal, s))),
        findBinary: fromPromise(({ input, signal: s }) =>
          steps.findBinary(input.file, any(signal, s)),
        ),
        uploadParts: fromPromise(({ input, signal: s }) =>
          steps.uploadParts(input.binary, input.file, any(signal, s)),
        ),
        markComplete: fromPromise(({ input, signal: s }) =>
          steps.markComplete(input.binary, any(signal, s)),
        ),
        requestHash: fromPromise(({ input, signal: s }) =>
          steps.requestHash(input.binary, any(signal, s)),
        ),
        waitForSignable: fromPromise(({ input, signal: s }) =>
          steps.waitForSignable(input.binary, any(signal, s)),
        ),
        sign: fromPromise(({ input, signal: s }) =>
          steps.sign(input.binary, input.job.request.signingKey!, any(signal, s)),
        ),
      },
    });
    const actor = createActor(machine, { input: { job } });
    const stop = () => actor.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      actor.start();
      const { binary } = await toPromise(actor);
      if (binary) steps.finished(binary);
      return { status: 'done' };
    } catch (error) {
      return outcomeOf(error, signal);
    } finally {
      signal.removeEventListener('abort', stop);
      await steps.close();
    }
  };
}

function any(a: AbortSignal, b: AbortSignal): AbortSignal {
  return AbortSignal.any([a, b]);
}
