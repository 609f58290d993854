// Counts a part's failed attempts; when to retry and what a PUT's answer means are the
// engine's one retry policy (peridio/retry-policy.ts).

/**
 * Counts one part's consecutive failed attempts. Progress starts the count again: an attempt
 * that got further into the part than any before it, or another part of the upload finishing
 * meanwhile (the link works). "Further than ever" rather than "any bytes", so that a server
 * that swallows the same few MiB every time and never answers still runs out of attempts.
 */
export class PartAttempts {
  #failures = 0;
  #furthest = 0;
  #finishedSeen: number;

  constructor(finishedParts: number) {
    this.#finishedSeen = finishedParts;
  }

  /** Records a failed attempt; answers how many failures in a row now count. */
  failed(bytesSent: number, finishedParts: number): number {
    const progressed = bytesSent > this.#furthest || finishedParts !== this.#finishedSeen;
    this.#furthest = Math.max(this.#furthest, bytesSent);
    this.#finishedSeen = finishedParts;
    this.#failures = progressed ? 1 : this.#failures + 1;
    return this.#failures;
  }
}
