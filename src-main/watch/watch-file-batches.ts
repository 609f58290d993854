// File events for the faces, in bounded batches: a burst of a thousand files becomes a few
// batches of at most `max` entries each, so a window never drowns in them. When a batch is
// full, news that matters more pushes out the latest entry that matters less (a conflict or
// a failure needs a person; a queued or uploaded file is an outcome; seen and skipped files
// are the noise of a busy folder), never the other way round. What is left out is counted;
// the counters tell the totals.
import type { WatchFileKind, WatchFileView } from '../../src-preload/contract.js';

export interface FileBatch {
  files: WatchFileView[];
  omitted: number;
  /** The rules the batch's files (the omitted ones too) belong to. */
  rules: string[];
}

export interface FileBatchesOptions {
  send(batch: FileBatch): void;
  /** At most one batch this often; default 250 ms. */
  intervalMs?: number;
  /** Files in one batch; default 50. */
  max?: number;
}

const RANK: Record<WatchFileKind, number> = {
  conflict: 2,
  failed: 2,
  queued: 1,
  uploaded: 1,
  seen: 0,
  skipped: 0,
  duplicate: 0,
};

export class FileBatches {
  /** The pending entries by rank, each with its place in the order they happened. */
  private readonly ranks: [number, WatchFileView][][] = [[], [], []];
  private pending = 0;
  private omitted = 0;
  private readonly rules = new Set<string>();
  private sequence = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FileBatchesOptions) {}

  add(file: WatchFileView): void {
    this.rules.add(file.rule);
    const rank = RANK[file.kind];
    const entry: [number, WatchFileView] = [this.sequence++, file];
    if (this.pending < (this.options.max ?? 50)) {
      this.ranks[rank]!.push(entry);
      this.pending += 1;
    } else {
      this.omitted += 1;
      const lower = this.ranks.findIndex((entries, at) => at < rank && entries.length > 0);
      if (lower !== -1) {
        this.ranks[lower]!.pop();
        this.ranks[rank]!.push(entry);
      }
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.intervalMs ?? 250);
  }

  /** Sends what is pending now (also when the watch closes, so nothing told is lost). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending + this.omitted === 0) return;
    const files = this.ranks
      .flatMap((entries) => entries.splice(0))
      .sort((a, b) => a[0] - b[0])
      .map(([, file]) => file);
    const batch = { files, omitted: this.omitted, rules: [...this.rules] };
    this.pending = 0;
    this.omitted = 0;
    this.rules.clear();
    this.options.send(batch);
  }
}
