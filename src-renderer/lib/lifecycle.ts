// A binary's lifecycle as the steps a person reads left to right.
import type { BinaryState } from '../../src-preload/contract.js';

export const LIFECYCLE_STEPS = ['uploadable', 'hashable', 'hashing', 'signable', 'signed'] as const;

export type StepStatus = 'done' | 'current' | 'todo';

export interface LifecycleStep {
  name: (typeof LIFECYCLE_STEPS)[number];
  status: StepStatus;
}

/** The steps with the current one marked; null for a destroyed binary (no step applies). */
export function lifecycleSteps(state: BinaryState): LifecycleStep[] | null {
  const current = LIFECYCLE_STEPS.indexOf(state as (typeof LIFECYCLE_STEPS)[number]);
  if (current < 0) return null;
  return LIFECYCLE_STEPS.map((name, index) => ({
    name,
    status: index < current ? 'done' : index === current ? 'current' : 'todo',
  }));
}
