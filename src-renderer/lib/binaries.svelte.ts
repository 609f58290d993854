// The binaries of one version: pages of 100 fetched one after another, shown as they come,
// with the performance marks the spec names once the last page is in and painted.
import { tick } from 'svelte';
import type { BinaryView, DeskError } from '../../src-preload/contract.js';
import { toDeskError } from './desk-failure.js';
import { facade } from './facade.js';

export const PAGE_SIZE = 100;
export const MARK_DATA = 'peridio:binaries-data';
export const MARK_PAINTED = 'peridio:binaries-painted';

export class BinariesState {
  items = $state.raw<BinaryView[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<DeskError | null>(null);
  private run = 0;

  constructor(readonly versionPrn: string) {}

  async load(): Promise<void> {
    const run = ++this.run;
    this.loading = true;
    const collected: BinaryView[] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = await facade().call('binaries.list', {
          artifactVersionPrn: this.versionPrn,
          limit: PAGE_SIZE,
          ...(cursor ? { cursor } : {}),
        });
        if (run !== this.run) return;
        collected.push(...page.items);
        cursor = page.nextCursor ?? undefined;
        // The first page shows at once on a first load; a reload swaps the list when complete.
        if (!this.loaded) this.items = collected.slice();
      } while (cursor);
      performance.mark(MARK_DATA);
      this.items = collected;
      this.error = null;
      this.loaded = true;
      await tick();
      requestAnimationFrame(() => performance.mark(MARK_PAINTED));
    } catch (error) {
      if (run === this.run) this.error = toDeskError(error);
    } finally {
      if (run === this.run) this.loading = false;
    }
  }

  /** An action's answer replaces its row at once; the reload that follows confirms it. */
  replace(binary: BinaryView): void {
    this.items = this.items.map((item) => (item.prn === binary.prn ? binary : item));
  }
}
