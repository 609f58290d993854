// Bundles (v2): a named set of binaries that a release delivers.
import type { CallOptions } from './api-requester.js';
import { invalidInput } from './errors.js';
import { checkCustomMetadata, checkOptionalText, checkPrn } from './input-checks.js';
import { ReadableResources } from './resource-endpoint.js';
import type { Bundle, CustomMetadata } from './types.js';

export interface CreateBundleInput {
  binaries: { prn: string; custom_metadata?: CustomMetadata }[];
  name?: string | null;
  /** A UUID for the PRN's last part; a fresh one is used when absent. */
  id?: string;
}

export interface UpdateBundleInput {
  name?: string | null;
}

export class BundlesApi extends ReadableResources<Bundle> {
  async create(input: CreateBundleInput, options?: CallOptions): Promise<Bundle> {
    if (!Array.isArray(input.binaries)) {
      throw invalidInput('binaries must be a list of { prn, custom_metadata }.');
    }
    input.binaries.forEach((binary, index) => {
      checkPrn(binary.prn, 'binary', `binaries[${index}].prn`);
      checkCustomMetadata(binary.custom_metadata);
    });
    checkOptionalText(input.name, 'name', 1, 128);
    return this.endpoint.createWithId({ ...input }, options);
  }

  async update(prn: string, changes: UpdateBundleInput, options?: CallOptions): Promise<Bundle> {
    checkOptionalText(changes.name, 'name', 1, 128);
    return this.endpoint.update(prn, { ...changes }, options);
  }

  async delete(prn: string, options?: CallOptions): Promise<void> {
    return this.endpoint.delete(prn, options);
  }
}
