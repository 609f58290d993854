// Progress leaves the worker at most ~10 times a second, with the speed and time left.
import { describe, expect, it } from 'vitest';
import { ProgressThrottle, type TransferProgress } from '../../../src-main/upload/index.js';

function throttled(total: number) {
  let now = 0;
  const sent: TransferProgress[] = [];
  const throttle = new ProgressThrottle('uploading', total, (p) => sent.push(p), {
    now: () => now,
  });
  return {
    sent,
    throttle,
    at(ms: number) {
      now = ms;
    },
  };
}

describe('ProgressThrottle', () => {
  it('sends at most 10 messages a second however often bytes move, plus the final one', () => {
    const { sent, throttle, at } = throttled(1000);
    for (let ms = 0; ms < 1000; ms += 1) {
      at(ms);
      throttle.update(ms);
    }
    expect(sent).toHaveLength(10);
    throttle.finish(1000);
    expect(sent).toHaveLength(11);
    expect(sent.at(-1)).toMatchObject({ bytesDone: 1000, bytesTotal: 1000, etaSeconds: 0 });
  });

  it('reports the speed over the last seconds and the time left', () => {
    const { sent, throttle, at } = throttled(100_000_000);
    for (let ms = 0; ms <= 2000; ms += 100) {
      at(ms);
      throttle.update(ms * 10_000); // 10 MB/s
    }
    const last = sent.at(-1)!;
    expect(last.phase).toBe('uploading');
    expect(last.bytesDone).toBe(20_000_000);
    expect(last.bytesPerSecond).toBe(10_000_000);
    expect(last.etaSeconds).toBe(8);
  });

  it('forgets speed older than its window', () => {
    const { sent, throttle, at } = throttled(1_000_000_000);
    throttle.update(0);
    at(1000);
    throttle.update(100_000_000); // a fast first second
    for (let ms = 1100; ms <= 6000; ms += 100) {
      at(ms);
      throttle.update(100_000_000 + (ms - 1000) * 1000); // then 1 MB/s
    }
    expect(sent.at(-1)!.bytesPerSecond).toBe(1_000_000);
  });

  it('knows no speed or time left before anything moved, and never reports a negative speed', () => {
    const { sent, throttle, at } = throttled(1000);
    throttle.update(500);
    expect(sent[0]).toMatchObject({ bytesPerSecond: 0, etaSeconds: null });
    at(500);
    throttle.update(900);
    at(1000);
    throttle.update(100); // a retried part took its bytes back
    expect(sent.at(-1)).toMatchObject({ bytesDone: 100, bytesPerSecond: 0, etaSeconds: null });
  });
});
