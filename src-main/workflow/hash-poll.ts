// When to look again at a binary the server is hashing. The wait is a share of the time
// waited so far: whatever the server's speed (a 1 MiB file hashed in 5 ms on this machine,
// 20 GiB in minutes in the cloud), the time between its finishing and the engine's seeing it
// stays under that share of its hashing time, and the number of looks grows only with the
// logarithm of that time (about 30 for 3 s, 60 for a minute), then one every `maxMs`. The
// first look comes after a millisecond: a server that keeps a running hash as parts arrive
// (the embedded one) has hashed a small binary by the time it answers `hashing`.

export interface HashPollSchedule {
  /** The first look: a small binary is often hashed by then. */
  firstMs: number;
  /** The shortest wait after the first look, while the share of the time waited is shorter. */
  minMs: number;
  /** The next wait as a share of the time waited since the server was asked to hash. */
  share: number;
  /** The longest wait: a binary hashed for hours is still seen within this. */
  maxMs: number;
}

export const HASH_POLL: HashPollSchedule = { firstMs: 1, minMs: 20, share: 0.15, maxMs: 5000 };

/**
 * The wait before the next look, `waitedMs` after the server was asked to hash; null before
 * the first look.
 */
export function nextHashPoll(
  waitedMs: number | null,
  schedule: HashPollSchedule = HASH_POLL,
): number {
  if (waitedMs === null) return schedule.firstMs;
  return Math.min(schedule.maxMs, Math.max(schedule.minMs, waitedMs * schedule.share));
}
