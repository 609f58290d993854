// The `x-amz-checksum-sha256` header of a part PUT: standard padded base64 of the raw 32-byte
// digest, not the hex the Admin API uses.

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function partChecksumHeader(hexSha256: string): string {
  if (!SHA256_HEX.test(hexSha256)) {
    throw new TypeError('A part hash must be 64 lowercase hex characters (a SHA-256).');
  }
  return Buffer.from(hexSha256, 'hex').toString('base64');
}
