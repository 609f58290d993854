import { describe, expect, it } from 'vitest';
import { ProgressCoalescer } from '../../../src-renderer/lib/progress-coalescer.js';
import { rowWindow } from '../../../src-renderer/lib/virtual-window.js';

function manualFrames() {
  const queue: (() => void)[] = [];
  return {
    schedule: (callback: () => void) => queue.push(callback),
    runFrame: () => queue.splice(0).forEach((callback) => callback()),
    pending: () => queue.length,
  };
}

describe('progress coalescing', () => {
  it('applies only the latest value per job, once per frame, however many arrive', () => {
    const frames = manualFrames();
    const applied: [string, number][][] = [];
    const coalescer = new ProgressCoalescer<number>(
      (batch) => applied.push([...batch]),
      frames.schedule,
    );
    for (let i = 1; i <= 500; i++) coalescer.push('a', i);
    coalescer.push('b', 7);
    expect(frames.pending()).toBe(1);
    expect(applied).toEqual([]);
    frames.runFrame();
    expect(applied).toEqual([
      [
        ['a', 500],
        ['b', 7],
      ],
    ]);
    frames.runFrame();
    expect(applied).toHaveLength(1);
  });

  it('drops a stale value when the job steps or ends before the frame', () => {
    const frames = manualFrames();
    const applied: [string, number][][] = [];
    const coalescer = new ProgressCoalescer<number>(
      (batch) => applied.push([...batch]),
      frames.schedule,
    );
    coalescer.push('a', 90);
    coalescer.drop('a');
    frames.runFrame();
    expect(applied).toEqual([]);
    coalescer.push('a', 10);
    frames.runFrame();
    expect(applied).toEqual([[['a', 10]]]);
  });
});

describe('virtual list window', () => {
  const base = { rowHeight: 44, viewportHeight: 440, overscan: 5, count: 1000 };

  it('puts only the visible rows plus overscan in the DOM at the top', () => {
    const window = rowWindow({ ...base, scrollTop: 0 });
    expect(window.start).toBe(0);
    expect(window.end).toBe(16);
    expect(window.padTop).toBe(0);
    expect(window.padBottom).toBe((1000 - 16) * 44);
  });

  it('keeps the total height of rows and spacers equal to the full list when scrolled', () => {
    const window = rowWindow({ ...base, scrollTop: 44 * 500 + 10 });
    expect(window.start).toBe(495);
    expect(window.end).toBe(516);
    expect(window.padTop + (window.end - window.start) * 44 + window.padBottom).toBe(1000 * 44);
  });

  it('stops at the last row when scrolled to (or past) the end', () => {
    const window = rowWindow({ ...base, scrollTop: 10_000_000 });
    expect(window.end).toBe(1000);
    expect(window.padBottom).toBe(0);
    expect(window.start).toBeLessThan(1000);
  });

  it('is empty for an empty list', () => {
    expect(rowWindow({ ...base, count: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      padTop: 0,
      padBottom: 0,
    });
  });
});
