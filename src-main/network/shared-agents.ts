// The kept-alive connections of this thread, shared by every client and transfer that goes out
// the same way (the same proxy plan, trust and system-proxy asker). A small file's part request
// then goes on the connection the engine's client already opened, and the next upload on the
// same thread finds the API and storage connections still open: on the cloud, a TCP and TLS
// handshake or two less per file.
//
// Each user holds a lease. Agents whose last lease ends stay for KEEP_IDLE_MS (a worker's
// next job, a watch folder's next file), then close. A set serves new leases for MAX_AGE_MS
// at most, so that an origin's way (a system proxy's answer, decided once per set) is asked
// again now and then.
import { createHash } from 'node:crypto';
import { NetworkAgents } from './network-agents.js';
import type { ProxyPlan } from './proxy-route.js';
import type { SystemProxyAsker } from './system-proxy.js';

const KEEP_IDLE_MS = 5_000;
const MAX_AGE_MS = 5 * 60_000;

export interface AgentsLease {
  readonly agents: NetworkAgents;
  /** Gives the lease back (once; again does nothing). */
  release(): void;
}

interface Shared {
  agents: NetworkAgents;
  leases: number;
  createdAt: number;
  idleTimer: NodeJS.Timeout | undefined;
}

export interface SharedAgentsOptions {
  keepIdleMs?: number;
  maxAgeMs?: number;
  now?: () => number;
}

export class SharedAgents {
  /** Per asker (none: the plan alone decides), per digest of the plan and the trust. */
  readonly #byAsker = new Map<SystemProxyAsker | undefined, Map<string, Shared>>();
  readonly #keepIdleMs: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: SharedAgentsOptions = {}) {
    this.#keepIdleMs = options.keepIdleMs ?? KEEP_IDLE_MS;
    this.#maxAgeMs = options.maxAgeMs ?? MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
  }

  lease(
    plan: ProxyPlan | undefined,
    ca: string[] | undefined,
    askSystem?: SystemProxyAsker,
  ): AgentsLease {
    let sets = this.#byAsker.get(askSystem);
    if (sets === undefined) {
      sets = new Map();
      this.#byAsker.set(askSystem, sets);
    }
    // The plan holds a profile proxy's password: the key is a digest, never the text.
    const key = createHash('sha256')
      .update(JSON.stringify({ plan: plan ?? null, ca: ca ?? null }))
      .digest('base64');
    let shared = sets.get(key);
    if (shared !== undefined && this.#now() - shared.createdAt >= this.#maxAgeMs) {
      // Retired: its leases keep it until they end; new ones get a new set.
      sets.delete(key);
      if (shared.leases === 0) this.#close(shared);
      shared = undefined;
    }
    if (shared === undefined) {
      shared = {
        agents: new NetworkAgents(plan, ca, askSystem),
        leases: 0,
        createdAt: this.#now(),
        idleTimer: undefined,
      };
      sets.set(key, shared);
    }
    const held = shared;
    clearTimeout(held.idleTimer);
    held.idleTimer = undefined;
    held.leases += 1;
    let released = false;
    return {
      agents: held.agents,
      release: () => {
        if (released) return;
        released = true;
        held.leases -= 1;
        if (held.leases > 0) return;
        if (sets.get(key) !== held) return this.#close(held);
        // Unref'd: an idle set never keeps a command from exiting.
        held.idleTimer = setTimeout(() => {
          if (sets.get(key) === held) sets.delete(key);
          // An asker of a closed workspace leaves nothing behind.
          if (sets.size === 0 && this.#byAsker.get(askSystem) === sets) {
            this.#byAsker.delete(askSystem);
          }
          this.#close(held);
        }, this.#keepIdleMs).unref();
      },
    };
  }

  #close(shared: Shared): void {
    clearTimeout(shared.idleTimer);
    shared.idleTimer = undefined;
    shared.agents.destroy();
  }
}

/** This thread's shared agents (a worker thread has its own). */
export const threadAgents = new SharedAgents();
