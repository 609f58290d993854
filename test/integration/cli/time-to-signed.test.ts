// The wait after `hashing`, seen from the server's access log: a server that takes 800 ms to
// hash a binary is looked at often enough that its `signable` is seen within 20 % of that
// (plus a loaded machine's slack), and with few requests. The old schedule (first look after
// 250 ms, then doubling) saw it 950 ms late. A new file costs no request it does not need: on
// a network each is a round trip; nor a connection (the access log numbers them): each is a
// TCP and TLS handshake.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiFor,
  content,
  createArtifactVersion,
  spawnServer,
  tempDir,
  type SpawnedServer,
} from '../local-peridio/helpers.js';
import { registerNewSigningKey, runCli } from '../upload-engine/cli-harness.js';

const KEY = 'time-to-signed-key';
const HASH_MS = 800;
/** Timers and a busy CI machine: what may be late beyond the schedule's own bound. */
const SLACK_MS = 150;

let dir: string;
let server: SpawnedServer;
const accessLog = () => path.join(dir, 'access.log');

beforeAll(async () => {
  dir = await tempDir('time-to-signed-');
  server = await spawnServer([
    '--data-dir',
    path.join(dir, 'server'),
    '--api-key',
    KEY,
    '--faults',
    `hashDelayMs=${HASH_MS}`,
    '--access-log',
    accessLog(),
  ]);
});

afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
  await rm(dir, { recursive: true, force: true });
});

interface AccessLine {
  time: string;
  method: string;
  path: string;
  status: number;
  connection: number;
}

async function accessLines(): Promise<AccessLine[]> {
  return (await readFile(accessLog(), 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AccessLine);
}

const cliEnv = () => ({
  PERIDIO_BASE_URL: server.url,
  PERIDIO_API_KEY: KEY,
  PERIDIO_PROFILE: '',
  PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'),
});

describe('the wait for the server to hash', () => {
  it(`sees a binary hashed in ${HASH_MS} ms as signable within 20 % of that, with few looks`, async () => {
    const versionPrn = await createArtifactVersion(apiFor(server.url, KEY));
    const file = path.join(dir, 'firmware.bin');
    await writeFile(file, content(1024 * 1024));
    const run = await runCli(
      [
        'upload',
        file,
        '--artifact-version',
        versionPrn,
        '--target',
        'riscv64gc-unknown-linux-gnu',
        '--json',
      ],
      cliEnv(),
    );
    expect(run.last).toMatchObject({ event: 'done', state: 'signable' });
    const binaryPath = `/binaries/${run.last.binary_prn}`;

    const all = await accessLines();
    // A new target's binary is created straight, with no search first (a taken target is
    // refused, and only then looked up).
    const searches = all.filter(
      (line) => line.method === 'GET' && line.path.split('?')[0] === '/binaries',
    );
    expect(searches).toEqual([]);
    // A new file's parts were all just sent, each answered once stored: they are not listed
    // again before `hashable` (which the server refuses unless all are valid).
    const onParts = all.filter((line) => line.path.split('?')[0] === `${binaryPath}/parts`);
    expect(onParts).toEqual([]);
    expect(all.filter((line) => line.path === `${binaryPath}/parts/1`)).toHaveLength(1);
    const lines = all.filter((line) => line.path === binaryPath);
    // Its last change of state is `hashing`; every look after it is a GET.
    const askedToHash = lines.findLastIndex((line) => line.method === 'PATCH');
    const looks = lines.slice(askedToHash + 1).filter((line) => line.method === 'GET');
    const hashed = Date.parse(lines[askedToHash]!.time) + HASH_MS;
    const seen = Date.parse(looks.at(-1)!.time);
    expect(seen - hashed).toBeLessThanOrEqual(0.2 * HASH_MS + SLACK_MS);
    expect(looks.length).toBeLessThanOrEqual(20);
  });

  it('signs each new file of one part with only the requests it needs, on one connection; the key is asked about once', async () => {
    const api = apiFor(server.url, KEY);
    const versionPrn = await createArtifactVersion(api);
    const key = await registerNewSigningKey(api, path.join(dir, 'keys'), 'one-part');
    const env = { ...cliEnv(), PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-one-part') };
    const upload = async (target: string) => {
      const file = path.join(dir, `${target}.bin`);
      await writeFile(file, content(1024 * 1024, target.length));
      const before = (await accessLines()).length;
      const run = await runCli(
        [
          ...['upload', file, '--artifact-version', versionPrn, '--target', target, '--json'],
          ...['--signing-key-private', key.pem, '--signing-key-prn', key.prn],
        ],
        env,
      );
      expect(run.last).toMatchObject({ event: 'done', state: 'signed' });
      const binaryPath = `/binaries/${run.last.binary_prn}`;
      const lines = (await accessLines()).slice(before);
      const asked = lines
        .map((line) => `${line.method} ${line.path.replace(/^\/presigned\/.*/, '/presigned')}`)
        // The looks while the server hashes (as many as its 800 ms take), counted above.
        .filter((line, i, lines) => line !== `GET ${binaryPath}` || lines[i - 1] !== line);
      const signed = (await api('GET', binaryPath)).body.binary;
      expect(signed).toMatchObject({ state: 'signed', signatures: [{ signing_key_prn: key.prn }] });
      // The part's request and its upload go on the connection the engine opened (here the
      // API and the storage are one server): on the cloud, handshakes a file does not pay.
      const connections = new Set(lines.map((line) => line.connection));
      return { asked, binaryPath, connections: connections.size };
    };
    const keyCheck = `GET /signing_keys/${key.prn}`;
    const fileRequests = (binaryPath: string) => [
      // Created with its hash (the file was hashed first), so nothing is declared after.
      'POST /binaries',
      `PUT ${binaryPath}/parts/1`,
      'PUT /presigned',
      `PATCH ${binaryPath}`,
      `PATCH ${binaryPath}`,
      `GET ${binaryPath}`,
      // The server took the signature and moved the binary on: it is not read back.
      'POST /binary_signatures',
    ];

    const first = await upload('x86_64-linux');
    expect(first.asked).toEqual(['GET /users/me', keyCheck, ...fileRequests(first.binaryPath)]);
    expect(first.connections).toBe(1);
    // The API key's organization and the signing key's confirmation are kept with the queue:
    // the next command asks for neither.
    const second = await upload('aarch64-linux');
    expect(second.asked).toEqual(fileRequests(second.binaryPath));
    expect(second.connections).toBe(1);
    // A confirmation holds ten minutes; then the key is checked again.
    const queue = new Database(path.join(dir, 'desk-one-part', 'queue.sqlite'));
    queue
      .prepare('UPDATE signing_key_confirmations SET confirmed_at = ?')
      .run(Date.now() - 11 * 60_000);
    queue.close();
    const third = await upload('riscv64-linux');
    expect(third.asked).toEqual([keyCheck, ...fileRequests(third.binaryPath)]);
  });

  it('runs a queue of small files on the connections of the uploads at once, not new ones per file', async () => {
    const versionPrn = await createArtifactVersion(apiFor(server.url, KEY));
    const env = { ...cliEnv(), PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk-queue') };
    const files = 4;
    for (let i = 0; i < files; i += 1) {
      const file = path.join(dir, `queued-${i}.bin`);
      await writeFile(file, content(256 * 1024, i));
      const queued = await runCli(
        ['upload', file, '--artifact-version', versionPrn, '--target', `queued-${i}`, '--no-wait'],
        env,
      );
      expect(queued.code, queued.stderr).toBe(0);
    }
    const before = (await accessLines()).length;
    const run = await runCli(['queue', 'run', '--jobs', '2', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const lines = (await accessLines()).slice(before);
    expect(lines.filter((line) => line.path.startsWith('/presigned/'))).toHaveLength(files);
    // Two uploads at once, each one request at a time, and the engine's own: each job's
    // transfer used to open its own connection besides.
    expect(new Set(lines.map((line) => line.connection)).size).toBeLessThanOrEqual(3);
  });
});
