// Measurements taken inside the page. The test tsconfig has no DOM types (the engine is Node
// code), so the few browser globals these functions touch are declared here, minimally.
import type { Page } from '@playwright/test';

interface PageElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
  localName: string;
  value?: number;
  max?: number;
}

interface PageGlobals {
  requestAnimationFrame(callback: (time: number) => void): number;
  document: {
    querySelectorAll(selector: string): Iterable<PageElement>;
    getElementById(id: string): PageElement | null;
    addEventListener(
      type: string,
      listener: (event: { timeStamp: number }) => void,
      options?: object,
    ): void;
    body: unknown;
  };
  MutationObserver: new (callback: (records: { addedNodes: ArrayLike<PageElement> }[]) => void) => {
    observe(target: unknown, options: object): void;
    disconnect(): void;
  };
  performance: {
    now(): number;
    getEntriesByName(name: string): { startTime: number }[];
  };
  __peridioFrames?: { times: number[]; running: boolean };
  __peridioProgress?: { label: string; values: number[]; running: boolean };
  __peridioInput?: InputProbe;
}

export interface InputProbe {
  /** The first input's event time stamp (performance.now() scale). */
  inputAt: number | null;
  /** When its listener ran: later than `inputAt` by however long the main thread was busy. */
  handledAt: number | null;
  /** When the first table rows were put in after that input: the page's visible answer. */
  respondedAt: number | null;
  /** The first cells of the table rows in the DOM when the input came. */
  rowsAtInput: string[];
}

/** Starts counting animation frames: one time stamp per frame the page could draw. */
export async function startFrameRecorder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const state = { times: [] as number[], running: true };
    w.__peridioFrames = state;
    const tick = (time: number) => {
      if (!state.running) return;
      state.times.push(time);
      w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
  });
}

/** Stops counting and returns the frame time stamps (ms). */
export async function stopFrameRecorder(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const state = (globalThis as unknown as PageGlobals).__peridioFrames;
    if (!state) throw new Error('the frame recorder was not started');
    state.running = false;
    return state.times;
  });
}

export interface FrameStats {
  frames: number;
  durationMs: number;
  /** Frames in each whole second from the first frame on (a last partial second is left out). */
  windowsFps: number[];
  minFps: number;
  medianFps: number;
  longestGapMs: number;
}

export interface Span {
  from: number;
  to: number;
}

/**
 * Frame rate per whole second and the longest gap between frames, over `[from, to]`. Seconds
 * and gaps that touch a `skip` span are not judged: the test's own screenshots stall frames.
 */
export function frameStats(
  allTimes: readonly number[],
  from: number,
  to: number,
  skip: readonly Span[] = [],
): FrameStats {
  const times = allTimes.filter((time) => time >= from && time <= to);
  if (times.length < 2) throw new Error(`only ${times.length} frames were recorded`);
  const touches = (start: number, end: number) =>
    skip.some((span) => span.from <= end && span.to >= start);
  const windowsFps: number[] = [];
  for (let start = times[0]!; start + 1000 <= times.at(-1)!; start += 1000) {
    if (touches(start, start + 1000)) continue;
    windowsFps.push(times.filter((t) => t >= start && t < start + 1000).length);
  }
  let longestGapMs = 0;
  for (let i = 1; i < times.length; i += 1) {
    if (touches(times[i - 1]!, times[i]!)) continue;
    longestGapMs = Math.max(longestGapMs, times[i]! - times[i - 1]!);
  }
  const sorted = [...windowsFps].sort((a, b) => a - b);
  return {
    frames: times.length,
    durationMs: Math.round(times.at(-1)! - times[0]!),
    windowsFps,
    minFps: sorted[0] ?? 0,
    medianFps: sorted[Math.floor(sorted.length / 2)] ?? 0,
    longestGapMs: Math.round(longestGapMs),
  };
}

/**
 * Records every value the progress bar named `label` shows, frame by frame (what a person
 * could see), from `aria-valuenow` or a native `<progress>`'s value.
 */
export async function startProgressSampler(page: Page, label: string): Promise<void> {
  await page.evaluate((wanted) => {
    const w = globalThis as unknown as PageGlobals;
    const state = { label: wanted, values: [] as number[], running: true };
    w.__peridioProgress = state;
    const nameOf = (element: PageElement) => {
      const labelled = element.getAttribute('aria-labelledby');
      if (labelled) {
        return labelled
          .split(/\s+/)
          .map((id) => w.document.getElementById(id)?.textContent?.trim() ?? '')
          .join(' ');
      }
      return element.getAttribute('aria-label') ?? '';
    };
    const valueOf = (element: PageElement) => {
      const now = element.getAttribute('aria-valuenow');
      if (now !== null) return Number(now);
      if (element.localName === 'progress' && element.max) {
        return ((element.value ?? 0) / element.max) * 100;
      }
      return null;
    };
    const tick = () => {
      if (!state.running) return;
      for (const element of w.document.querySelectorAll('[role="progressbar"], progress')) {
        if (nameOf(element) !== state.label) continue;
        const value = valueOf(element);
        if (value !== null && value !== state.values.at(-1)) state.values.push(value);
      }
      w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
  }, label);
}

export async function stopProgressSampler(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const state = (globalThis as unknown as PageGlobals).__peridioProgress;
    if (!state) throw new Error('the progress sampler was not started');
    state.running = false;
    return state.values;
  });
}

/** Watches for the first wheel, key or pointer input and the first table rows added after it. */
export async function installInputProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const probe: InputProbe = {
      inputAt: null,
      handledAt: null,
      respondedAt: null,
      rowsAtInput: [],
    };
    w.__peridioInput = probe;
    const onInput = (event: { timeStamp: number }) => {
      if (probe.inputAt !== null) return;
      probe.inputAt = event.timeStamp;
      probe.handledAt = w.performance.now();
      for (const cell of w.document.querySelectorAll('table tr td:first-child')) {
        const text = cell.textContent?.trim();
        if (text) probe.rowsAtInput.push(text);
      }
    };
    for (const type of ['wheel', 'pointerdown', 'keydown']) {
      w.document.addEventListener(type, onInput, { capture: true, passive: true });
    }
    // The answer to a scroll of a virtual list is rows put in: other DOM changes do not count.
    const observer = new w.MutationObserver((records) => {
      if (probe.inputAt === null || probe.respondedAt !== null) return;
      const rowsAdded = records.some((record) =>
        Array.from(record.addedNodes).some((node) => node.localName === 'tr'),
      );
      if (!rowsAdded) return;
      probe.respondedAt = w.performance.now();
      observer.disconnect();
    });
    observer.observe(w.document.body, { subtree: true, childList: true });
  });
}

export async function readInputProbe(page: Page): Promise<InputProbe> {
  return page.evaluate(() => {
    const probe = (globalThis as unknown as PageGlobals).__peridioInput;
    if (!probe) throw new Error('the input probe was not installed');
    return { ...probe };
  });
}

/** The start time of the page's performance mark `name`, or null while there is none. */
export async function markTime(page: Page, name: string): Promise<number | null> {
  return page.evaluate((mark) => {
    const entries = (globalThis as unknown as PageGlobals).performance.getEntriesByName(mark);
    return entries.at(-1)?.startTime ?? null;
  }, name);
}

export async function pageNow(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).performance.now());
}

/** Prints one labelled JSON line, the form the run's log and the report quote. */
export function printMeasurement(label: string, values: Record<string, unknown>): void {
  console.log(JSON.stringify({ measurement: label, ...values }));
}
