// Binaries: the content of one artifact version for one target, and its lifecycle
// (uploadable -> hashable -> hashing -> signable -> signed -> destroyed).
import { isBinaryState, type BinaryState } from '../lifecycle/index.js';
import type { ApiRequester, CallOptions } from './api-requester.js';
import { PeridioError, invalidInput } from './errors.js';
import {
  checkBinarySize,
  checkCustomMetadata,
  checkPrn,
  checkSha256,
  checkTarget,
} from './input-checks.js';
import { ReadableResources, type ResourceEndpoint } from './resource-endpoint.js';
import type { Binary, CustomMetadata } from './types.js';

export interface CreateBinaryInput {
  artifact_version_prn: string;
  /** 1..128 characters, conventionally a target triplet such as `aarch64-unknown-linux-gnu`. */
  target: string;
  /** Lowercase hex SHA-256 of the whole content. */
  hash: string;
  size: number;
  description?: string | null;
  custom_metadata?: CustomMetadata;
  /** A UUID for the PRN's last part; a fresh one is used when absent. */
  id?: string;
}

export interface UpdateBinaryInput {
  state?: BinaryState;
  description?: string | null;
  custom_metadata?: CustomMetadata;
  /** Only while `uploadable`: points a reset binary at new content. */
  hash?: string;
  size?: number;
}

function checkDescription(value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw invalidInput('description must be text or null.');
  }
}

export class BinariesApi extends ReadableResources<Binary> {
  constructor(
    endpoint: ResourceEndpoint<Binary>,
    private readonly api: ApiRequester,
  ) {
    super(endpoint);
  }

  async create(input: CreateBinaryInput, options?: CallOptions): Promise<Binary> {
    checkPrn(input.artifact_version_prn, 'artifact_version', 'artifact_version_prn');
    checkTarget(input.target);
    checkSha256(input.hash, 'hash');
    checkBinarySize(input.size);
    checkDescription(input.description);
    checkCustomMetadata(input.custom_metadata);
    return this.endpoint.createWithId({ ...input }, options);
  }

  async update(prn: string, changes: UpdateBinaryInput, options?: CallOptions): Promise<Binary> {
    if (changes.state !== undefined && !isBinaryState(changes.state)) {
      throw invalidInput(`"${String(changes.state)}" is not a binary state.`);
    }
    if (changes.hash !== undefined) checkSha256(changes.hash, 'hash');
    if (changes.size !== undefined) checkBinarySize(changes.size);
    checkDescription(changes.description);
    checkCustomMetadata(changes.custom_metadata);
    return this.endpoint.update(prn, { ...changes }, options);
  }

  /** Asks for a state change; the server refuses illegal ones with 422 and the reason. */
  async setState(prn: string, state: BinaryState, options?: CallOptions): Promise<Binary> {
    return this.update(prn, { state }, options);
  }

  /** Back to `uploadable`: all parts are deleted and the revision goes up. */
  async reset(prn: string, options?: CallOptions): Promise<Binary> {
    return this.setState(prn, 'uploadable', options);
  }

  /** Deletes the content for good (only from `signed`); the record stays. */
  async destroy(prn: string, options?: CallOptions): Promise<Binary> {
    return this.setState(prn, 'destroyed', options);
  }

  /** A URL the content can be downloaded from. */
  async downloadUrl(prn: string, options?: CallOptions): Promise<string> {
    const path = `${this.endpoint.itemPath(prn)}/download_url`;
    const answer = await this.api.request<{ download_url?: unknown } | undefined>(
      'GET',
      path,
      options,
    );
    const url = answer?.download_url;
    if (typeof url !== 'string' || url === '') {
      throw new PeridioError({
        code: 'bad_response',
        message: `GET ${path} answered without a "download_url".`,
        method: 'GET',
        path,
      });
    }
    return url;
  }
}
