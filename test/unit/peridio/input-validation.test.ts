import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeridioClient, PeridioError } from '../../../src-main/peridio/index.js';
import { API_KEY, UUID_A, prnOf, sendJson, startServer, type TestServer } from './test-server.js';

let server: TestServer;
let client: PeridioClient;

beforeAll(async () => {
  server = await startServer((_request, response) => sendJson(response, 500, {}));
  client = new PeridioClient({ baseUrl: server.baseUrl, apiKey: API_KEY });
});

afterAll(async () => {
  client.close();
  await server.close();
});

const HASH = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';
const VERSION = prnOf('artifact_version', UUID_A);
const BINARY = prnOf('binary', UUID_A);
const goodBinary = { artifact_version_prn: VERSION, target: 'x86_64-linux', hash: HASH, size: 11 };

const refusals: [string, (client: PeridioClient) => unknown, RegExp][] = [
  ['a malformed PRN', (c) => c.binaries.get('prn:1:nope'), /not a valid PRN/],
  ['a PRN of the wrong type', (c) => c.binaries.get(VERSION), /expected a binary PRN/],
  [
    'a wrong artifact_version_prn type',
    (c) => c.binaries.create({ ...goodBinary, artifact_version_prn: BINARY }),
    /artifact_version_prn: .*expected an artifact_version PRN/,
  ],
  [
    'an empty target',
    (c) => c.binaries.create({ ...goodBinary, target: '' }),
    /target must be 1 to 128/,
  ],
  [
    'a 129-character target',
    (c) => c.binaries.create({ ...goodBinary, target: 'x'.repeat(129) }),
    /it is 129/,
  ],
  [
    'an uppercase hash',
    (c) => c.binaries.create({ ...goodBinary, hash: HASH.toUpperCase() }),
    /64 lowercase hexadecimal/,
  ],
  [
    'a prefixed hash',
    (c) => c.binaries.create({ ...goodBinary, hash: `sha256:${HASH}` }),
    /64 lowercase hexadecimal/,
  ],
  ['a negative size', (c) => c.binaries.create({ ...goodBinary, size: -1 }), /size must be/],
  [
    'a size past 10,000 x 5 GiB',
    (c) => c.binaries.create({ ...goodBinary, size: 10_000 * 5 * 2 ** 30 + 1 }),
    /size must be/,
  ],
  ['a non-UUID id', (c) => c.binaries.create({ ...goodBinary, id: 'mine' }), /id must be a UUID/],
  [
    'part index 0',
    (c) => c.binaryParts.create(BINARY, 0, { expected_binary_size: 11, hash: HASH, size: 11 }),
    /part index must be a whole number from 1 to 10000/,
  ],
  [
    'part index 10,001',
    (c) => c.binaryParts.create(BINARY, 10_001, { expected_binary_size: 11, hash: HASH, size: 11 }),
    /part index/,
  ],
  [
    'a part larger than its binary',
    (c) => c.binaryParts.create(BINARY, 1, { expected_binary_size: 10, hash: HASH, size: 11 }),
    /larger than the binary/,
  ],
  [
    'an unknown state',
    (c) => c.binaries.update(BINARY, { state: 'done' as 'signed' }),
    /not a binary state/,
  ],
  [
    'a signature that is not 128 hex characters',
    (c) =>
      c.binarySignatures.create({
        binary_prn: BINARY,
        signature: 'abc',
        signing_key_prn: prnOf('signing_key', UUID_A),
      }),
    /128 hexadecimal/,
  ],
  [
    'a signature without a key',
    (c) => c.binarySignatures.create({ binary_prn: BINARY, signature: 'a'.repeat(128) } as never),
    /signing_key_prn or signing_key_keyid/,
  ],
  [
    'a signing key value that is not 32 bytes of base64',
    (c) => c.signingKeys.create({ name: 'k', value: 'AAAA' }),
    /32-byte Ed25519/,
  ],
  ['a list limit of 101', (c) => c.binaries.list({ limit: 101 }), /limit must be/],
  ['listAll with limit 0', (c) => c.binaries.listAll({ limit: 0 }), /limit must be/],
  ['an artifact without a name', (c) => c.artifacts.create({ name: '' }), /name must be 1 to 128/],
  [
    'a bundle with a non-binary PRN',
    (c) => c.bundles.create({ binaries: [{ prn: VERSION }] }),
    /binaries\[0\]\.prn/,
  ],
];

describe('client-side input checks', () => {
  it.each(refusals)(
    'refuses %s with invalid_input and sends nothing',
    async (_why, call, reason) => {
      let error: unknown;
      try {
        await call(client);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(PeridioError);
      expect((error as PeridioError).code).toBe('invalid_input');
      expect((error as PeridioError).message).toMatch(reason);
      expect(server.requests).toHaveLength(0);
    },
  );

  it('refuses a base URL that is not http(s) or carries credentials', () => {
    expect(() => new PeridioClient({ baseUrl: 'ftp://example.com', apiKey: API_KEY })).toThrow(
      /must start with https:\/\//,
    );
    expect(
      () => new PeridioClient({ baseUrl: 'https://user:pw@example.com', apiKey: API_KEY }),
    ).toThrow(/user name or password/);
  });
});
