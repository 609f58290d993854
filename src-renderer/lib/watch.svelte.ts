// Watch rules and what became of the files in their folders. Subscribed from app start, so
// the recent files list holds what happened while another page was open.
import type { DeskError, WatchFileView, WatchRuleView } from '../../src-preload/contract.js';
import { toDeskError } from './desk-failure.js';
import { facade } from './facade.js';

export const RECENT_FILES_KEPT = 50;

class WatchState {
  rules = $state.raw<WatchRuleView[]>([]);
  files = $state.raw<WatchFileView[]>([]);
  omitted = $state(0);
  loaded = $state(false);
  error = $state<DeskError | null>(null);

  start(): void {
    const desk = facade();
    desk.on('watch:changed', ({ rules }) => {
      this.rules = rules;
      this.loaded = true;
    });
    desk.on('watch:files', ({ files, omitted, counters }) => {
      this.files = [...files.slice().reverse(), ...this.files].slice(0, RECENT_FILES_KEPT);
      this.omitted += omitted;
      const byRule = new Map(counters.map((entry) => [entry.rule, entry.counters]));
      this.rules = this.rules.map((rule) => {
        const next = byRule.get(rule.settings.name);
        return next ? { ...rule, counters: next } : rule;
      });
    });
    desk.onReconnect(() => void this.load());
  }

  async load(): Promise<void> {
    try {
      this.rules = await facade().call('watch.list');
      this.error = null;
    } catch (error) {
      this.error = toDeskError(error);
    }
    this.loaded = true;
  }

  replace(rule: WatchRuleView): void {
    const index = this.rules.findIndex((r) => r.settings.name === rule.settings.name);
    this.rules =
      index < 0 ? [...this.rules, rule] : this.rules.map((r, i) => (i === index ? rule : r));
  }
}

export const watch = new WatchState();
