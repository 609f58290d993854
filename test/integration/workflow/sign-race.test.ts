// Signing when another upload of the same file (another machine, another data folder) signs
// the binary with the same key first: the server refuses the second signature by that key,
// and the job ends well, the binary being as it wanted it. Driven step by step, so that the
// other signature lands exactly between the job's look at the binary and its own signature.
import { generateKeyPairSync } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PeridioClient, type Binary } from '../../../src-main/peridio/index.js';
import { JobStore } from '../../../src-main/queue/index.js';
import { UploadSteps, type Signer } from '../../../src-main/workflow/index.js';
import {
  apiFor,
  createBinary,
  createPart,
  hashToSignable,
  putBytes,
  signHash,
  startTestServer,
  tempDir,
  TEST_VECTOR,
  unique,
  type Api,
  type TestServer,
} from '../local-peridio/helpers.js';

const KEY_REF = { kind: 'keychain', name: 'release' } as const;

let dir: string;
let server: TestServer;
let api: Api;
let store: JobStore;

beforeAll(async () => {
  dir = await tempDir('sign-race-');
  server = await startTestServer();
  api = apiFor(server.server.url, server.server.apiKey);
  store = JobStore.open(path.join(dir, 'queue.sqlite'));
});

afterAll(async () => {
  store?.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A signable binary of `hello world`, as a job saw it, and that job's steps. */
async function jobAboutToSign(signer: Signer) {
  const data = Buffer.from('hello world');
  const created = await createBinary(api, data);
  const part = await createPart(api, created, 1, data);
  await putBytes(part.presigned_upload_url, data);
  await hashToSignable(api, created.prn);
  const connection = { baseUrl: server.server.url, apiKey: server.server.apiKey };
  const client = new PeridioClient(connection);
  const job = store.enqueue(
    {
      path: path.join(dir, 'hello.bin'),
      artifactVersionPrn: created.artifact_version_prn,
      target: created.target,
      signingKey: KEY_REF,
      replace: false,
      workspace: 'local',
    },
    { size: data.length, mtimeMs: 1 },
  );
  const steps = new UploadSteps(job, {
    store,
    client,
    connection,
    lendTransfer: () => {
      throw new Error('signing moves no file');
    },
    resolveSigner: async () => signer,
    concurrency: 1,
  });
  const seen: Binary = await client.binaries.get(created.prn);
  expect(seen.state).toBe('signable');
  expect(seen.signatures ?? []).toEqual([]);
  return { seen, steps, job };
}

async function registeredKeyPrn(value: string): Promise<string> {
  const key = await api('POST', '/signing_keys', { name: unique('key'), value });
  expect(key.status).toBe(201);
  return key.body.signing_key.prn as string;
}

test('the same key signed it in the meantime: the job takes the binary as signed', async () => {
  const signingKeyPrn = await registeredKeyPrn(TEST_VECTOR.value);
  const { seen, steps, job } = await jobAboutToSign({ signingKeyPrn, sign: (h) => signHash(h) });
  const other = await api('POST', '/binary_signatures', {
    binary_prn: seen.prn,
    signing_key_prn: signingKeyPrn,
    signature: signHash(seen.hash),
  });
  expect(other.status).toBe(201);

  const signed = await steps.sign(seen, KEY_REF, new AbortController().signal);
  expect(signed.state).toBe('signed');
  expect(signed.signatures?.map((s) => s.signing_key_prn)).toEqual([signingKeyPrn]);
  expect(store.history(job.id).at(-1)?.message).toBe(
    `${seen.prn} was signed with ${signingKeyPrn} by another upload`,
  );
});

test('a refused signature that no one else made still fails the job', async () => {
  const registered = generateKeyPairSync('ed25519')
    .publicKey.export({ format: 'der', type: 'spki' })
    .subarray(-32);
  const signingKeyPrn = await registeredKeyPrn(registered.toString('base64'));
  const wrongKey = generateKeyPairSync('ed25519').privateKey;
  const { seen, steps } = await jobAboutToSign({
    signingKeyPrn,
    sign: (h) => signHash(h, wrongKey),
  });
  await expect(steps.sign(seen, KEY_REF, new AbortController().signal)).rejects.toMatchObject({
    code: 'validation',
  });
  expect((await api('GET', `/binaries/${seen.prn}`)).body.binary.state).toBe('signable');
});
