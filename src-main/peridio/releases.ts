// Releases: deliver a bundle to a cohort. Peridio has no archive flag; disabling is archiving.
import type { CallOptions } from './api-requester.js';
import { checkPrn } from './input-checks.js';
import { ReadableResources } from './resource-endpoint.js';
import type { Release } from './types.js';

export interface CreateReleaseInput {
  bundle_prn: string;
  cohort_prn: string;
  name: string;
  /** Devices must install a required release before any later one. */
  required: boolean;
  /** ISO-8601 UTC, or null for now. */
  schedule_date: string | null;
  description?: string | null;
  disabled?: boolean;
  phase_value?: number | null;
  version?: string | null;
  version_requirement?: string | null;
  next_release_prn?: string | null;
  previous_release_prn?: string | null;
}

export type UpdateReleaseInput = Partial<
  Pick<
    Release,
    | 'name'
    | 'required'
    | 'disabled'
    | 'schedule_date'
    | 'phase_value'
    | 'version'
    | 'version_requirement'
    | 'description'
    | 'next_release_prn'
  >
>;

function checkNeighbours(input: {
  next_release_prn?: string | null;
  previous_release_prn?: string | null;
}): void {
  for (const field of ['next_release_prn', 'previous_release_prn'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null) checkPrn(value, 'release', field);
  }
}

export class ReleasesApi extends ReadableResources<Release> {
  async create(input: CreateReleaseInput, options?: CallOptions): Promise<Release> {
    checkPrn(input.bundle_prn, 'bundle', 'bundle_prn');
    checkPrn(input.cohort_prn, 'cohort', 'cohort_prn');
    checkNeighbours(input);
    return this.endpoint.create({ ...input }, options);
  }

  async update(prn: string, changes: UpdateReleaseInput, options?: CallOptions): Promise<Release> {
    checkNeighbours(changes);
    return this.endpoint.update(prn, { ...changes }, options);
  }

  /** Archives a release the only way Peridio offers: `disabled: true`. */
  async archive(prn: string, options?: CallOptions): Promise<Release> {
    return this.update(prn, { disabled: true }, options);
  }

  async delete(prn: string, options?: CallOptions): Promise<void> {
    return this.endpoint.delete(prn, options);
  }
}
