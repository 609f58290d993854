// The Admin API's resources as this project speaks them (see shared/design/peridio-admin-api.md).
// Plain data: the client returns these, the local server answers with them.
import type { BinaryState } from '../lifecycle/index.js';

export type CustomMetadata = Record<string, unknown> | null;

/** Fields every resource carries. */
export interface Resource {
  prn: string;
  organization_prn: string;
  /** ISO-8601 UTC with microseconds and `Z`. */
  inserted_at: string;
  updated_at: string;
}

export interface Artifact extends Resource {
  name: string;
  description: string | null;
  custom_metadata: CustomMetadata;
}

export interface ArtifactVersion extends Resource {
  artifact_prn: string;
  version: string;
  description: string | null;
  custom_metadata: CustomMetadata;
}

export interface BinarySignatureSummary {
  signature: string;
  signing_key_prn: string;
  keyid: string;
}

export interface Binary extends Resource {
  artifact_version_prn: string;
  target: string;
  /** Lowercase hex SHA-256 of the whole content. */
  hash: string;
  size: number;
  description: string | null;
  custom_metadata: CustomMetadata;
  state: BinaryState;
  revision: number;
  signatures: BinarySignatureSummary[] | null;
  /** Returned by the local server (and tolerated when absent from the cloud). */
  destroyed?: boolean;
  bytes_uploaded?: number;
}

export const BINARY_PART_STATES = ['uploadable', 'valid', 'invalid_size', 'invalid_hash'] as const;
export type BinaryPartState = (typeof BINARY_PART_STATES)[number];

export interface BinaryPart extends Resource {
  binary_prn: string;
  index: number;
  hash: string;
  size: number;
  state: BinaryPartState;
  /** Only in the answer to a part create. */
  presigned_upload_url?: string;
}

export interface BinarySignature extends Resource {
  binary_prn: string;
  signing_key_prn: string;
  keyid: string;
  signature: string;
}

export interface SigningKey extends Resource {
  name: string;
  /** Base64 of the raw 32-byte Ed25519 public key. */
  value: string;
  keyid: string;
}

export interface BundleBinary {
  prn: string;
  custom_metadata: CustomMetadata;
}

export interface Bundle extends Resource {
  name: string | null;
  binaries: BundleBinary[];
  hash?: string | null;
  /** v1 bundles list artifact versions instead of binaries. */
  artifact_versions?: { prn: string; index: number }[];
}

export interface Product extends Resource {
  name: string;
  archived: boolean;
}

export interface Cohort extends Resource {
  name: string;
  product_prn: string;
  description: string | null;
}

export interface Release extends Resource {
  bundle_prn: string;
  cohort_prn: string;
  name: string;
  required: boolean;
  disabled: boolean;
  schedule_date: string | null;
  schedule_complete: boolean;
  phase_value: number | null;
  version: string | null;
  version_requirement: string | null;
  description: string | null;
  next_release_prn: string | null;
  previous_release_prn: string | null;
}

export interface UserMe {
  email: string;
  username: string;
  organization_prn: string;
}

/** A page of a list endpoint, with the list under its plural key. */
export interface ListQuery {
  limit?: number;
  order?: 'asc' | 'desc';
  page?: string;
  search?: string;
}

/** Part limits of the multipart upload. */
export const PART_LIMITS = {
  maxParts: 10_000,
  minPartSize: 5 * 1024 * 1024,
  maxPartSize: 5 * 1024 * 1024 * 1024,
  maxBinarySize: 10_000 * 5 * 1024 * 1024 * 1024,
} as const;

export const TARGET_MAX_LENGTH = 128;
