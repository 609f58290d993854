// Fault injection for tests (`--faults part500=0.1,partDrop=0.1,latencyMs=50,rate429=0.05,seed=42`):
// failing and dropped part uploads, extra latency, rate limiting, unavailability and slow hashing, drawn
// from a seeded generator so that a failing run can be repeated.

export interface FaultSpec {
  /** Fraction of presigned part PUTs answered 500 (after the body was read). */
  part500: number;
  /** Fraction of presigned part PUTs whose connection is dropped mid-body. */
  partDrop: number;
  /** Extra latency before every request, in milliseconds. */
  latencyMs: number;
  /** Fraction of API requests answered 429. */
  rate429: number;
  /** Fraction of API requests answered 503, as a gateway in trouble would. */
  api503: number;
  /** Pause before hashing each part, in milliseconds. */
  hashDelayMs: number;
  seed: number | undefined;
}

export const NO_FAULTS: FaultSpec = {
  part500: 0,
  partDrop: 0,
  latencyMs: 0,
  rate429: 0,
  api503: 0,
  hashDelayMs: 0,
  seed: undefined,
};

type Kind = 'fraction' | 'milliseconds' | 'seed';

const KEYS: Record<keyof FaultSpec, Kind> = {
  part500: 'fraction',
  partDrop: 'fraction',
  latencyMs: 'milliseconds',
  rate429: 'fraction',
  api503: 'fraction',
  hashDelayMs: 'milliseconds',
  seed: 'seed',
};

function isKey(key: string): key is keyof FaultSpec {
  return Object.hasOwn(KEYS, key);
}

/** Parses a `--faults` SPEC; a bad one throws an error naming the bad key or value. */
export function parseFaultSpec(spec: string | undefined): FaultSpec {
  const faults: FaultSpec = { ...NO_FAULTS };
  if (spec === undefined || spec.trim() === '') return faults;
  for (const item of spec.split(',')) {
    const [key = '', value, ...extra] = item.trim().split('=');
    if (value === undefined || extra.length > 0) {
      throw new Error(`invalid --faults entry "${item}": expected key=value`);
    }
    if (!isKey(key)) {
      throw new Error(
        `invalid --faults key "${key}": known keys are ${Object.keys(KEYS).join(', ')}`,
      );
    }
    const number = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
    const kind = KEYS[key];
    if (kind === 'fraction' && !(number >= 0 && number <= 1)) {
      throw new Error(`invalid --faults ${key}=${value}: expected a fraction from 0 to 1`);
    }
    if (kind !== 'fraction' && !(Number.isSafeInteger(number) && number >= 0)) {
      throw new Error(`invalid --faults ${key}=${value}: expected a whole number`);
    }
    faults[key] = number;
  }
  return faults;
}

/** mulberry32: a tiny seeded generator, good enough to pick which requests fail. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private readonly random: () => number;

  constructor(readonly spec: FaultSpec) {
    this.random = seededRandom(spec.seed ?? Math.floor(Math.random() * 2 ** 32));
  }

  private roll(fraction: number): boolean {
    return fraction > 0 && this.random() < fraction;
  }

  partFails(): boolean {
    return this.roll(this.spec.part500);
  }

  partDrops(): boolean {
    return this.roll(this.spec.partDrop);
  }

  rateLimited(): boolean {
    return this.roll(this.spec.rate429);
  }

  unavailable(): boolean {
    return this.roll(this.spec.api503);
  }
}
