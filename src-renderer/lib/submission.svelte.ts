// What a dialog's submit does while it runs: busy (the button is disabled) and, when it throws,
// the failure for people, so the dialog stays open and shows it.
import type { DeskError } from '../../src-preload/contract.js';
import { toDeskError } from './desk-failure.js';

export class Submission {
  busy = $state(false);
  error = $state<DeskError | null>(null);

  /** Runs `work`; true when it finished, false when it threw (its error is then shown). */
  async run(work: () => Promise<unknown>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await work();
      return true;
    } catch (failure) {
      this.error = toDeskError(failure);
      return false;
    } finally {
      this.busy = false;
    }
  }
}
