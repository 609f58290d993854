// Artifact versions: one version of an artifact; it holds at most one live binary per target.
import type { CallOptions } from './api-requester.js';
import { checkCustomMetadata, checkPrn, checkText } from './input-checks.js';
import { ReadableResources } from './resource-endpoint.js';
import type { ArtifactVersion, CustomMetadata } from './types.js';

export interface CreateArtifactVersionInput {
  artifact_prn: string;
  /** 1..128 characters; cannot be changed later. */
  version: string;
  description?: string | null;
  custom_metadata?: CustomMetadata;
  /** A UUID for the PRN's last part; a fresh one is used when absent. */
  id?: string;
}

export interface UpdateArtifactVersionInput {
  description?: string | null;
  custom_metadata?: CustomMetadata;
}

export class ArtifactVersionsApi extends ReadableResources<ArtifactVersion> {
  async create(input: CreateArtifactVersionInput, options?: CallOptions): Promise<ArtifactVersion> {
    checkPrn(input.artifact_prn, 'artifact', 'artifact_prn');
    checkText(input.version, 'version', 1, 128);
    checkCustomMetadata(input.custom_metadata);
    return this.endpoint.createWithId({ ...input }, options);
  }

  update(
    prn: string,
    changes: UpdateArtifactVersionInput,
    options?: CallOptions,
  ): Promise<ArtifactVersion> {
    checkCustomMetadata(changes.custom_metadata);
    return this.endpoint.update(prn, { ...changes }, options);
  }

  async delete(prn: string, options?: CallOptions): Promise<void> {
    return this.endpoint.delete(prn, options);
  }
}
