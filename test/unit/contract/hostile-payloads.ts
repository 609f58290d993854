// Hostile input for the contract's tests: a tiny seeded generator (a failing random case can
// be replayed from its seed) and nested junk of every JSON shape, huge strings, traversal and
// prototype-pollution keys among them.

/** A tiny seeded generator, so a failing random case can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const NASTY_STRINGS = [
  '../../etc/passwd',
  '__proto__',
  '',
  '\u0000',
  'prn:1:x',
  '%00',
  'relative/dir',
];

export function junk(next: () => number, depth = 0): unknown {
  switch (Math.floor(next() * (depth > 2 ? 6 : 8))) {
    case 0:
      return null;
    case 1:
      return Math.floor(next() * 1e9) - 5e8;
    case 2:
      return next() < 0.5;
    case 3:
      return 'x'.repeat(Math.floor(next() * 70_000));
    case 4:
      return NASTY_STRINGS[Math.floor(next() * NASTY_STRINGS.length)];
    case 5:
      return undefined;
    case 6:
      return Array.from({ length: Math.floor(next() * 4) }, () => junk(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 4) }, (_, i) => [`k${i}`, junk(next, depth + 1)]),
      );
  }
}
