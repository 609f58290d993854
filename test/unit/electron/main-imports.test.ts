// The desktop app's main process keeps windows, tray, menus, notifications and the IPC bridge;
// the engine runs in a process of its own. Lint checks each file's direct imports; this test
// follows every import of src-main/electron/main.ts, re-exports included, as esbuild resolves
// them (type-only imports are erased, as at run time), and checks what the process would load.
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/**
 * What the main process may load of ours: its own room; the host client's side of the
 * engine-host room (not the host, engine-host.ts and host-entry.ts, which open the engine);
 * the data folder's path (needed before the engine runs: the Chromium profile lives there);
 * the renderer's files it serves on app://; and the contract with the grammars it imports.
 */
const ALLOWED_FILES = [
  /^src-main\/electron\/[^/]+\.ts$/,
  /^src-main\/engine-host\/(index|engine-client|host-protocol)\.ts$/,
  /^src-main\/app-paths\/index\.ts$/,
  /^src-main\/renderer-files\/[^/]+\.ts$/,
  /^src-preload\/(contract|contract-names|prn|proxy-url|rate)\.ts$/,
];

/** Packages it may load: Electron, its store, and zod (the contract's schemas). */
const ALLOWED_PACKAGES = /^(node:.+|electron|electron-store|zod)$/;

async function importClosure(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: path.join(root, 'dist', 'main-imports-probe'),
    logLevel: 'silent',
  });
  const inputs = Object.entries(result.metafile.inputs);
  const packages = new Set(
    inputs.flatMap(([, input]) => input.imports.filter((i) => i.external).map((i) => i.path)),
  );
  return { files: inputs.map(([file]) => file).sort(), packages: [...packages].sort() };
}

describe('the Electron main process', { timeout: 30_000 }, () => {
  it('loads no engine room but the host client, the data folder’s path and the contract', async () => {
    const { files, packages } = await importClosure('src-main/electron/main.ts');
    expect(files).toContain('src-main/engine-host/engine-client.ts');
    expect(files).toContain('src-preload/contract.ts');
    expect(files.filter((file) => !ALLOWED_FILES.some((allowed) => allowed.test(file)))).toEqual(
      [],
    );
    expect(packages).toContain('electron');
    expect(packages.filter((name) => !ALLOWED_PACKAGES.test(name))).toEqual([]);
  });
});
