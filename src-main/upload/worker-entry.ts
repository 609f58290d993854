import type { WorkerOptions } from 'node:worker_threads';

/**
 * Where a worker thread of this room starts. Compiled, it is the .js file next to this one.
 * From sources (vitest, tsx) it is the .ts file, loaded through tsx's API inside the thread:
 * Node 20 does not apply an `--import tsx` in a worker's execArgv to the worker's own entry.
 */
export function workerEntry(name: string): { script: string | URL; options: WorkerOptions } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return { script: outsideAsar(new URL(`./${name}.js`, here)), options: {} };
  }
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, here).href;
  const script =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { script, options: { eval: true } };
}

/**
 * In the packaged desktop app the engine's files sit in app.asar, which only Electron's
 * patched loaders can read; a worker thread's ES module loader is Node's own. The packager
 * unpacks the workers and everything they import to app.asar.unpacked (electron-builder.yml's
 * asarUnpack, checked by test/unit/electron/builder-config.test.ts), and they start from there.
 */
export function outsideAsar(file: URL): URL {
  if (file.protocol !== 'file:') return file;
  return new URL(file.href.replace(/\/app\.asar\//, '/app.asar.unpacked/'));
}
