// The running hash fed while parts arrive: whatever order, re-sends, replacements, restarts
// and resets happen, `hashing` ends exactly as a full pass over the stored parts would,
// signable when the content matches the binary's hash and hashable when it does not. The
// server's 'hashing finished' log says how many parts the running hash covered.
import { afterEach, describe, expect, test } from 'vitest';
import type { LogFields } from '../../../src-main/local-peridio/logger.js';
import {
  MiB,
  PART_MIN,
  content,
  createBinary,
  createPart,
  hashToSignable,
  putBytes,
  sha256Hex,
  startTestServer,
  type Api,
  type TestServer,
} from './helpers.js';

/** Three minimum-size parts and a small last one. */
const DATA = content(3 * PART_MIN + MiB, 21);
const partsOf = (data: Buffer) =>
  [0, 1, 2, 3].map((i) => data.subarray(i * PART_MIN, (i + 1) * PART_MIN));
const PARTS = partsOf(DATA);

interface Finished {
  state: string;
  parts_from_running_hash: number;
}

function recordingLogger(finished: Finished[]) {
  const record = (message: string, fields?: LogFields) => {
    if (message === 'hashing finished') finished.push(fields as unknown as Finished);
  };
  return { info: record, warn: record, error: record };
}

let servers: TestServer[] = [];
let finished: Finished[] = [];

async function start(dataDir?: string): Promise<TestServer> {
  const server = await startTestServer({
    logger: recordingLogger(finished),
    ...(dataDir ? { dataDir } : {}),
  });
  servers.push(server);
  return server;
}

afterEach(async () => {
  const [first, ...rest] = servers;
  for (const server of rest) await server.server.close();
  await first?.stop();
  servers = [];
  finished = [];
});

/** Creates part `index` (1-based) with `bytes` and PUTs them; answers the part's upload URL. */
async function upload(
  api: Api,
  binary: { prn: string; size: number },
  index: number,
  bytes = PARTS[index - 1]!,
) {
  const part = await createPart(api, binary, index, bytes);
  const put = await putBytes(part.presigned_upload_url, bytes);
  expect(put.status).toBe(200);
  return part.presigned_upload_url as string;
}

describe('the running hash gives what a full pass gives', () => {
  test('parts uploaded out of order reach signable, all from the running hash', async () => {
    const { api } = await start();
    const binary = await createBinary(api, DATA);
    for (const index of [3, 1, 4, 2]) await upload(api, binary, index);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    expect(finished).toEqual([
      expect.objectContaining({ state: 'signable', parts_from_running_hash: 4 }),
    ]);
  });

  test('a part re-sent with the same content, to the same URL or as a new part', async () => {
    const { api } = await start();
    const binary = await createBinary(api, DATA);
    const urls = [];
    for (const index of [1, 2, 3, 4]) urls.push(await upload(api, binary, index));
    expect((await putBytes(urls[1]!, PARTS[1]!)).status).toBe(200);
    await upload(api, binary, 2);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    expect(finished).toEqual([
      expect.objectContaining({ state: 'signable', parts_from_running_hash: 4 }),
    ]);
  });

  test('a part replaced with different content: the hash follows the new content', async () => {
    const { api } = await start();
    const binary = await createBinary(api, DATA);
    await upload(api, binary, 1);
    await upload(api, binary, 2, content(PART_MIN, 99));
    await upload(api, binary, 3);
    await upload(api, binary, 4);
    // The wrong part 2 was fed into the running hash; replacing it must not leave it there.
    await upload(api, binary, 2);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
  });

  test('a part replaced by wrong content after the right one goes to hashable', async () => {
    const { api } = await start();
    const binary = await createBinary(api, DATA);
    for (const index of [1, 2, 3, 4]) await upload(api, binary, index);
    await upload(api, binary, 3, content(PART_MIN, 98));
    expect((await hashToSignable(api, binary.prn)).state).toBe('hashable');
  });

  test('content that does not match the binary’s hash goes back to hashable', async () => {
    const { api } = await start();
    const binary = await createBinary(api, content(DATA.length, 22));
    for (const index of [2, 1, 3, 4]) await upload(api, binary, index);
    expect((await hashToSignable(api, binary.prn)).state).toBe('hashable');
    expect(finished).toEqual([
      expect.objectContaining({ state: 'hashable', parts_from_running_hash: 4 }),
    ]);
  });

  test('a restart mid-upload: the parts stored before it are read again', async () => {
    const first = await start();
    const binary = await createBinary(first.api, DATA);
    await upload(first.api, binary, 1);
    await upload(first.api, binary, 3);
    await first.server.close();
    const { api } = await start(first.dataDir);
    await upload(api, binary, 4);
    await upload(api, binary, 2);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    // The first parts after the restart rebuilt the running hash from the stored parts.
    expect(finished).toEqual([
      expect.objectContaining({ state: 'signable', parts_from_running_hash: 4 }),
    ]);
  });

  test('a restart after the upload: a full pass', async () => {
    const first = await start();
    const binary = await createBinary(first.api, DATA);
    for (const index of [1, 2, 3, 4]) await upload(first.api, binary, index);
    await first.server.close();
    const { api } = await start(first.dataDir);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    expect(finished).toEqual([
      expect.objectContaining({ state: 'signable', parts_from_running_hash: 0 }),
    ]);
  });

  test('a reset: the content uploaded after it is what is hashed', async () => {
    const { api } = await start();
    const other = content(DATA.length, 23);
    const binary = await createBinary(api, other);
    const otherParts = partsOf(other);
    for (const index of [1, 2, 3, 4]) await upload(api, binary, index, otherParts[index - 1]);
    expect((await api('PATCH', `/binaries/${binary.prn}`, { state: 'hashable' })).status).toBe(200);
    const reset = await api('PATCH', `/binaries/${binary.prn}`, {
      state: 'uploadable',
      hash: sha256Hex(DATA),
    });
    expect(reset.status).toBe(200);
    for (const index of [1, 2, 3, 4]) await upload(api, binary, index);
    expect((await hashToSignable(api, binary.prn)).state).toBe('signable');
    expect(finished).toEqual([
      expect.objectContaining({ state: 'signable', parts_from_running_hash: 4 }),
    ]);
  });
});
