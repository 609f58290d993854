// Whether the workspace's server can be reached. Jobs report network failures here; while
// offline the monitor probes with a growing, jittered delay (no busy loop, no error storm)
// and wakes everyone waiting once a probe answers.
import { systemClock, type Clock, type ClockTimer } from '../clock/index.js';
import { silentLogger, type EngineLogger } from '../logging/index.js';
import { Backoff } from '../peridio/index.js';

export interface ConnectivityOptions {
  /** A cheap request to the server; resolves when it answered. */
  probe: (signal: AbortSignal) => Promise<void>;
  initialDelayMs?: number;
  maxDelayMs?: number;
  onChange?: (online: boolean, reason: string | null) => void;
  /** A listener of `onChange` failed: logged, and told here; the monitor goes on. */
  onError?: (message: string) => void;
  clock?: Clock;
  logger?: EngineLogger;
}

export class ConnectivityMonitor {
  private isOnline = true;
  private reason: string | null = null;
  private readonly backoff: Backoff;
  private timer: ClockTimer | undefined;
  private probing: AbortController | undefined;
  /** The probe under way (scheduled or asked for), so a second ask joins it. */
  private inFlight: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  private stopped = false;
  private readonly clock: Clock;
  private readonly log: EngineLogger;

  constructor(private readonly options: ConnectivityOptions) {
    // ±25 % jitter so that many agents behind one outage do not probe in step.
    this.backoff = new Backoff(
      { initialMs: options.initialDelayMs ?? 1000, maxMs: options.maxDelayMs ?? 60_000 },
      { jitter: 0.25 },
    );
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? silentLogger()).child({ module: 'connectivity' });
  }

  get online(): boolean {
    return this.isOnline;
  }

  /** Why the server is thought unreachable, while offline. */
  get offlineReason(): string | null {
    return this.reason;
  }

  reportOffline(reason: string): void {
    this.reason = reason;
    if (!this.isOnline || this.stopped) return;
    this.isOnline = false;
    this.backoff.reset();
    this.log.warn({ reason }, 'the server cannot be reached; uploads wait');
    this.tell(false, reason);
    this.scheduleProbe();
  }

  reportOnline(): void {
    this.clearProbe();
    this.reason = null;
    if (this.isOnline) return;
    this.isOnline = true;
    this.log.info('the server answers again');
    this.tell(true, null);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** A listener that throws must not stop the probing (nor be taken for the server's answer). */
  private tell(online: boolean, reason: string | null): void {
    try {
      this.options.onChange?.(online, reason);
    } catch (error) {
      this.log.error({ err: error }, 'telling a connection change failed');
      this.options.onError?.(
        `Telling that the server is ${online ? 'back' : 'unreachable'} failed: ${(error as Error).message}`,
      );
    }
  }

  /** Resolves once online (at once if already), or when `signal` aborts. */
  whenOnline(signal?: AbortSignal): Promise<void> {
    if (this.isOnline || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  stop(): void {
    this.stopped = true;
    this.clearProbe();
    for (const wake of this.waiters.splice(0)) wake();
  }

  private scheduleProbe(grow = true): void {
    if (this.stopped) return;
    const delay = grow ? this.backoff.next() : this.backoff.again();
    this.timer = this.clock.setTimeout(
      () => {
        this.inFlight = this.runProbe();
      },
      delay,
      { keepsAlive: false },
    );
  }

  /**
   * While offline, asks the server now instead of at the next scheduled probe (a person
   * pressed "check now", or the system says the network is back); joins a probe already under
   * way. The backoff is left as it was. Answers whether the server is reachable afterwards.
   */
  async checkNow(): Promise<boolean> {
    if (this.isOnline || this.stopped) return this.isOnline;
    if (!this.inFlight) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      this.inFlight = this.runProbe({ backoff: false });
    }
    await this.inFlight;
    return this.isOnline;
  }

  private async runProbe({ backoff = true } = {}): Promise<void> {
    this.timer = undefined;
    this.probing = new AbortController();
    try {
      await this.options.probe(this.probing.signal);
      this.probing = undefined;
      this.reportOnline();
    } catch (error) {
      this.probing = undefined;
      if (this.isOnline || this.stopped) return;
      this.reason = (error as Error).message;
      this.log.debug({ reason: this.reason }, 'the server still does not answer');
      this.scheduleProbe(backoff);
    } finally {
      this.inFlight = undefined;
    }
  }

  private clearProbe(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.probing?.abort();
    this.probing = undefined;
  }
}
