// Cohorts: groups of a product's devices that releases are delivered to.
import type { CallOptions } from './api-requester.js';
import { checkPrn, checkText } from './input-checks.js';
import { ReadableResources } from './resource-endpoint.js';
import type { Cohort } from './types.js';

export interface CreateCohortInput {
  name: string;
  product_prn: string;
  description?: string | null;
}

export interface UpdateCohortInput {
  name?: string;
  description?: string | null;
}

export class CohortsApi extends ReadableResources<Cohort> {
  async create(input: CreateCohortInput, options?: CallOptions): Promise<Cohort> {
    checkText(input.name, 'name', 1, 128);
    checkPrn(input.product_prn, 'product', 'product_prn');
    return this.endpoint.create({ ...input }, options);
  }

  async update(prn: string, changes: UpdateCohortInput, options?: CallOptions): Promise<Cohort> {
    if (changes.name !== undefined) checkText(changes.name, 'name', 1, 128);
    return this.endpoint.update(prn, { ...changes }, options);
  }
}
