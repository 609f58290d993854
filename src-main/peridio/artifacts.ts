// Artifacts: the named things (a firmware, an app) whose versions hold binaries.
import type { CallOptions } from './api-requester.js';
import { checkCustomMetadata, checkOptionalText, checkText } from './input-checks.js';
import { ReadableResources } from './resource-endpoint.js';
import type { Artifact, CustomMetadata } from './types.js';

const CUSTOM_METADATA_MAX_BYTES = 1_000_000;

export interface CreateArtifactInput {
  name: string;
  description?: string | null;
  custom_metadata?: CustomMetadata;
  /** A UUID for the PRN's last part; a fresh one is used when absent. */
  id?: string;
}

export interface UpdateArtifactInput {
  name?: string;
  description?: string | null;
  custom_metadata?: CustomMetadata;
}

function checkCommon(input: UpdateArtifactInput): void {
  if (input.name !== undefined) checkText(input.name, 'name', 1, 128);
  checkOptionalText(input.description, 'description', 1, 256);
  checkCustomMetadata(input.custom_metadata, CUSTOM_METADATA_MAX_BYTES);
}

export class ArtifactsApi extends ReadableResources<Artifact> {
  async create(input: CreateArtifactInput, options?: CallOptions): Promise<Artifact> {
    checkText(input.name, 'name', 1, 128);
    checkCommon(input);
    return this.endpoint.createWithId({ ...input }, options);
  }

  async update(
    prn: string,
    changes: UpdateArtifactInput,
    options?: CallOptions,
  ): Promise<Artifact> {
    checkCommon(changes);
    return this.endpoint.update(prn, { ...changes }, options);
  }

  async delete(prn: string, options?: CallOptions): Promise<void> {
    return this.endpoint.delete(prn, options);
  }
}
