// Binary parts: the multipart upload. Each part is declared here, then its bytes are PUT to the
// presigned URL the declaration answers with (that PUT is the upload module's job).
import type { ApiRequester, CallOptions } from './api-requester.js';
import { PeridioError, invalidInput } from './errors.js';
import {
  checkBinarySize,
  checkByteCount,
  checkPartIndex,
  checkPrn,
  checkSha256,
  type ListOptions,
} from './input-checks.js';
import type { Page } from './paginate.js';
import { pageAll, requestOne, requestPage } from './resource-endpoint.js';
import { PART_LIMITS, type BinaryPart } from './types.js';

export interface CreateBinaryPartInput {
  /** The whole binary's size, as declared at create. */
  expected_binary_size: number;
  /** Lowercase hex SHA-256 of this part. */
  hash: string;
  size: number;
}

/** The answer to a part create: where to PUT the part's bytes. */
export type CreatedBinaryPart = BinaryPart & { presigned_upload_url: string };

function partsPath(binaryPrn: string): string {
  return `/binaries/${checkPrn(binaryPrn, 'binary', 'binary PRN')}/parts`;
}

export class BinaryPartsApi {
  constructor(private readonly api: ApiRequester) {}

  /** Declares part `index` (1-based); declaring an index again replaces that part. */
  async create(
    binaryPrn: string,
    index: number,
    input: CreateBinaryPartInput,
    options?: CallOptions,
  ): Promise<CreatedBinaryPart> {
    const base = partsPath(binaryPrn);
    checkPartIndex(index);
    const expected = checkBinarySize(input.expected_binary_size, 'expected_binary_size');
    const size = checkByteCount(input.size, 'size', 0, PART_LIMITS.maxPartSize);
    if (size > expected) {
      throw invalidInput(`The part size (${size}) is larger than the binary (${expected} bytes).`);
    }
    checkSha256(input.hash, 'hash');
    const path = `${base}/${index}`;
    const body = { expected_binary_size: expected, hash: input.hash, size };
    const part = await requestOne<BinaryPart>(this.api, 'PUT', path, 'binary_part', {
      ...options,
      body,
    });
    if (typeof part.presigned_upload_url !== 'string' || part.presigned_upload_url === '') {
      throw new PeridioError({
        code: 'bad_response',
        message: `PUT ${path} answered without a "presigned_upload_url" to upload the part to.`,
        method: 'PUT',
        path,
      });
    }
    return part as CreatedBinaryPart;
  }

  /** One page of the binary's parts (without upload URLs). */
  list(
    binaryPrn: string,
    query: ListOptions = {},
    options?: CallOptions,
  ): Promise<Page<BinaryPart>> {
    return requestPage<BinaryPart>(this.api, partsPath(binaryPrn), 'binary_parts', query, options);
  }

  /** Every part of the binary: the resume check asks which are `valid`. */
  listAll(
    binaryPrn: string,
    query: ListOptions = {},
    options?: CallOptions,
  ): AsyncGenerator<BinaryPart, void, undefined> {
    checkPrn(binaryPrn, 'binary', 'binary PRN'); // refused now, not at the first iteration
    return pageAll((pageQuery) => this.list(binaryPrn, pageQuery, options), query);
  }
}
