// Binary signatures: an Ed25519 signature of the binary's hash, attached with the key that made it.
import type { CallOptions } from './api-requester.js';
import { invalidInput } from './errors.js';
import { checkPrn, checkText, type ListOptions } from './input-checks.js';
import type { Page } from './paginate.js';
import type { ResourceEndpoint } from './resource-endpoint.js';
import type { BinarySignature } from './types.js';

const SIGNATURE_HEX = /^[0-9a-f]{128}$/i;

/** The key is named by its PRN or (newer servers) by its keyid. */
export type CreateBinarySignatureInput = {
  binary_prn: string;
  /** 128 hex characters (any case). */
  signature: string;
} & (
  | { signing_key_prn: string; signing_key_keyid?: string }
  | { signing_key_prn?: string; signing_key_keyid: string }
);

export class BinarySignaturesApi {
  constructor(private readonly endpoint: ResourceEndpoint<BinarySignature>) {}

  /** Attaches a signature; the binary must be `signable` or `signed`. */
  async create(input: CreateBinarySignatureInput, options?: CallOptions): Promise<BinarySignature> {
    checkPrn(input.binary_prn, 'binary', 'binary_prn');
    if (typeof input.signature !== 'string' || !SIGNATURE_HEX.test(input.signature)) {
      throw invalidInput('signature must be 128 hexadecimal characters (an Ed25519 signature).');
    }
    if (input.signing_key_prn === undefined && input.signing_key_keyid === undefined) {
      throw invalidInput('Name the signing key by signing_key_prn or signing_key_keyid.');
    }
    if (input.signing_key_prn !== undefined) {
      checkPrn(input.signing_key_prn, 'signing_key', 'signing_key_prn');
    }
    if (input.signing_key_keyid !== undefined) {
      checkText(input.signing_key_keyid, 'signing_key_keyid', 1, 256);
    }
    return this.endpoint.create({ ...input }, options);
  }

  async list(query?: ListOptions, options?: CallOptions): Promise<Page<BinarySignature>> {
    return this.endpoint.list(query, options);
  }

  listAll(
    query?: ListOptions,
    options?: CallOptions,
  ): AsyncGenerator<BinarySignature, void, undefined> {
    return this.endpoint.listAll(query, options);
  }

  async delete(prn: string, options?: CallOptions): Promise<void> {
    return this.endpoint.delete(prn, options);
  }
}
