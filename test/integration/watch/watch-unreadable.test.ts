// `peridio-desk watch` meets a build output it may not read: it names the file (not a copy
// of it in the spool), creates nothing on the server, and takes the file once its
// permissions are fixed, without a restart. Tests run as root, who may read every file, so
// the agent runs as `nobody` (from the TypeScript source, as the CLI harness runs it).
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { binariesOf, content, type Json } from '../local-peridio/helpers.js';
import { nobodyUser, startCli } from '../upload-engine/cli-harness.js';
import { KEY, ruleFor, sha256Hex, workbench, type Workbench } from './watch-harness.js';

let bench: Workbench;

beforeAll(async () => {
  bench = await workbench();
});

afterAll(async () => {
  await bench.close();
});

it('names an unreadable file, uploads nothing for it, and takes it once it can be read', async () => {
  const nobody = await nobodyUser(bench.dir);
  if (!nobody) return;
  const rules = path.join(bench.dir, 'unreadable-rules.json');
  // No signing key: nobody may not read the bench's key file either.
  await writeFile(rules, JSON.stringify({ rules: [ruleFor(bench, { signingKey: undefined })] }));
  const run = startCli(
    ['watch', '--config', rules, '--json'],
    { PERIDIO_BASE_URL: bench.server.url, PERIDIO_API_KEY: KEY, ...nobody.env },
    '',
    nobody.as,
  );
  try {
    await run.waitForLine((l: Json) => l?.event === 'watch:ready');
    const file = path.join(bench.folder, 'root-only.img');
    const data = content(2 * 1024 * 1024 + 99, 21);
    await writeFile(file, data, { mode: 0o600 });

    const ignored = await run.waitForLine((l: Json) => l?.event === 'file:ignored');
    expect(ignored).toMatchObject({ path: file });
    expect(ignored.reason).toContain('cannot be read (permission denied)');
    expect(ignored.reason).toContain(`chmod a+r ${file}`);
    expect(JSON.stringify(run.lines)).not.toContain(
      path.join(nobody.env.PERIDIO_DESK_DATA_DIR!, 'spool'),
    );
    expect(await binariesOf(bench.api, bench.versionPrn)).toEqual([]);

    await chmod(file, 0o644);
    const done = await run.waitForLine((l: Json) => l?.event === 'job:done', 60_000);
    expect(done).toMatchObject({ path: file, state: 'signable' });
    const binaries = await binariesOf(bench.api, bench.versionPrn);
    expect(binaries).toEqual([
      expect.objectContaining({ hash: sha256Hex(data), size: data.length }),
    ]);
    expect(run.lines.filter((l: Json) => l?.event === 'file:ignored')).toHaveLength(1);
  } finally {
    run.child.kill('SIGTERM');
    await run.exited;
  }
});
