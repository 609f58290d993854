// job:progress can arrive hundreds of times a second during a fast upload. Only the latest
// value per job matters, and only once per painted frame: keep the latest, apply the batch
// in the next frame. The scheduler is injected (requestAnimationFrame in the page).
export type FrameScheduler = (callback: () => void) => void;

export class ProgressCoalescer<T> {
  private pending = new Map<string, T>();
  private scheduled = false;

  constructor(
    private readonly apply: (batch: ReadonlyMap<string, T>) => void,
    private readonly schedule: FrameScheduler,
  ) {}

  push(id: string, value: T): void {
    this.pending.set(id, value);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush());
  }

  /** A job that stepped or ended: its queued progress is stale and must not overwrite that. */
  drop(id: string): void {
    this.pending.delete(id);
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.apply(batch);
  }
}
