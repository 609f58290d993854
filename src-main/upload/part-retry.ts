// Counts a part's failed attempts; when to retry and what a PUT's answer means are the
// engine's one retry policy (peridio/retry-policy.ts).

/**
 * Expired-URL answers in a row that cost no attempt. A URL that expired while its part waited
 * (held in transit, kept across retries while the link was down, queued behind a slow proxy)
 * is no failure: a fresh one is asked for at once. But when the fresh URL expires too, before
 * anything else happened, URLs are dead on arrival (the store's clock runs ahead of the
 * signer's, or their lifetime is shorter than one request), and waiting and counting is what
 * lets the part run out of attempts and say so instead of renewing for ever.
 */
const FREE_EXPIRIES_IN_A_ROW = 1;

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
  #expiriesInRow = 0;

  constructor(finishedParts: number) {
    this.#finishedSeen = finishedParts;
  }

  /** The failures in a row that count now. */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failed attempt; answers how many failures in a row now count. */
  failed(bytesSent: number, finishedParts: number): number {
    this.#expiriesInRow = 0;
    return this.#count(bytesSent, finishedParts);
  }

  /**
   * Records an answer that the part's URL had expired: `free` when it costs nothing (renew the
   * URL and try again at once), else how many failures in a row now count, as `failed` does.
   */
  urlExpired(finishedParts: number): 'free' | number {
    this.#expiriesInRow += 1;
    if (this.#expiriesInRow <= FREE_EXPIRIES_IN_A_ROW) return 'free';
    // The store refused the request before taking its body: the bytes the OS had sent by
    // then are no progress.
    return this.#count(0, finishedParts);
  }

  #count(bytesSent: number, finishedParts: number): number {
    const progressed = bytesSent > this.#furthest || finishedParts !== this.#finishedSeen;
    this.#furthest = Math.max(this.#furthest, bytesSent);
    this.#finishedSeen = finishedParts;
    this.#failures = progressed ? 1 : this.#failures + 1;
    return this.#failures;
  }
}
