// One client's event stream: the SSE frames, keep-alives, and bounded memory when the client
// reads slowly (progress coalesced per job, the client dropped when far behind).
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { DeskEvent, JobView } from '../../../src-preload/contract.js';
import { EventStream, sseFrame } from '../../../src-main/dashboard/index.js';

/** A socket stand-in that holds writes while paused, like a client that stopped reading. */
function slowSink(highWaterMark = 256) {
  let held: (() => void) | undefined;
  let paused = false;
  const sink = {
    received: '',
    pause: () => (paused = true),
    resume() {
      paused = false;
      const release = held;
      held = undefined;
      release?.();
    },
    out: new Writable({
      highWaterMark,
      write(chunk: Buffer, _encoding, callback) {
        sink.received += chunk.toString();
        if (paused) held = () => callback();
        else callback();
      },
    }),
  };
  return sink;
}

function progress(jobId: string, bytesDone: number): DeskEvent {
  return {
    name: 'job:progress',
    payload: {
      jobId,
      progress: {
        phase: 'uploading',
        bytesDone,
        bytesTotal: 1000,
        bytesPerSecond: 10,
        etaSeconds: null,
      },
    },
  };
}

function step(jobId: string, message = 'uploading parts'): DeskEvent {
  return { name: 'job:step', payload: { jobId, step: 'uploading', message } };
}

function ended(jobId: string): DeskEvent {
  return {
    name: 'job:ended',
    payload: { job: { id: jobId } as JobView, outcome: { status: 'done' } },
  };
}

/** The events in what the client received, in order. */
function eventsIn(text: string): { name: string; data: unknown }[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('event: '))
    .map((block) => {
      const [nameLine, dataLine] = block.split('\n');
      return { name: nameLine!.slice(7), data: JSON.parse(dataLine!.slice(6)) };
    });
}

describe('the event stream', () => {
  it('writes one event and one data line per event, with a retry hint first', () => {
    const sink = slowSink();
    const stream = new EventStream(sink.out);
    const event = step('job-1', 'line one\nline two');
    stream.send(event);
    expect(sseFrame(event)).toBe(
      'event: job:step\ndata: {"jobId":"job-1","step":"uploading","message":"line one\\nline two"}\n\n',
    );
    expect(sink.received).toBe(`retry: 2000\n: connected\n\n${sseFrame(event)}`);
    stream.close();
    expect(stream.closed).toBe(true);
  });

  it('sends keep-alive comments', async () => {
    const sink = slowSink();
    const stream = new EventStream(sink.out, { keepAliveMs: 10 });
    await sleep(60);
    expect(sink.received.match(/: keep-alive\n\n/g)?.length).toBeGreaterThanOrEqual(2);
    stream.close();
  });

  it('coalesces progress per job while the client is backed up, the latest winning', async () => {
    const sink = slowSink(256);
    const stream = new EventStream(sink.out);
    sink.pause();
    for (let i = 0; i < 5; i++) stream.send(step('job-a', `step ${i} ${'.'.repeat(60)}`));
    expect(sink.out.writableNeedDrain).toBe(true);
    for (let i = 1; i <= 500; i++) {
      stream.send(progress('job-a', i));
      stream.send(progress('job-b', i));
      stream.send(progress('job-c', i));
    }
    expect(stream.pendingProgress).toBe(3);
    // The end of job-c supersedes its pending progress, which must not follow it.
    stream.send(ended('job-c'));
    expect(stream.pendingProgress).toBe(2);
    const buffered = sink.out.writableLength;
    expect(buffered).toBeLessThan(2000);

    sink.resume();
    await sleep(10);
    const events = eventsIn(sink.received);
    const progressEvents = events.filter((e) => e.name === 'job:progress');
    expect(progressEvents.map((e) => e.data)).toEqual([
      progress('job-a', 500).payload as object,
      progress('job-b', 500).payload as object,
    ]);
    expect(events.at(-3)?.name).toBe('job:ended');
    expect(stream.pendingProgress).toBe(0);
    stream.send(progress('job-a', 501));
    expect(eventsIn(sink.received).at(-1)?.data).toMatchObject({ progress: { bytesDone: 501 } });
    stream.close();
  });

  it('drops a client that falls more than the bound behind, keeping memory bounded', () => {
    const sink = slowSink(256);
    let dropped: number | undefined;
    const stream = new EventStream(sink.out, {
      dropAboveBytes: 4096,
      onDropped: (bytes) => (dropped = bytes),
    });
    sink.pause();
    for (let i = 0; i < 1000; i++) stream.send(step(`job-${i}`, 'x'.repeat(100)));
    expect(stream.closed).toBe(true);
    expect(sink.out.destroyed).toBe(true);
    expect(dropped).toBeGreaterThan(3000);
    expect(dropped).toBeLessThanOrEqual(4096);
  });
});
