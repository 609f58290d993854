// Signing keys: Ed25519 public keys the server verifies binary signatures against.
import type { CallOptions } from './api-requester.js';
import { invalidInput } from './errors.js';
import { checkText } from './input-checks.js';
import { ReadableResources } from './resource-endpoint.js';
import type { SigningKey } from './types.js';

export interface CreateSigningKeyInput {
  name: string;
  /** Base64 of the raw 32-byte Ed25519 public key. */
  value: string;
}

export interface UpdateSigningKeyInput {
  name?: string;
}

const BASE64_32_BYTES = /^[A-Za-z0-9+/]{43}=$/;

export class SigningKeysApi extends ReadableResources<SigningKey> {
  async create(input: CreateSigningKeyInput, options?: CallOptions): Promise<SigningKey> {
    checkText(input.name, 'name', 1, 128);
    if (typeof input.value !== 'string' || !BASE64_32_BYTES.test(input.value)) {
      throw invalidInput(
        'value must be the base64 of the raw 32-byte Ed25519 public key (44 characters ending in "=").',
      );
    }
    return this.endpoint.create({ ...input }, options);
  }

  async update(
    prn: string,
    changes: UpdateSigningKeyInput,
    options?: CallOptions,
  ): Promise<SigningKey> {
    if (changes.name !== undefined) checkText(changes.name, 'name', 1, 128);
    return this.endpoint.update(prn, { ...changes }, options);
  }

  async delete(prn: string, options?: CallOptions): Promise<void> {
    return this.endpoint.delete(prn, options);
  }
}
