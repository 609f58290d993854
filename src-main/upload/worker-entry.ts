import type { WorkerOptions } from 'node:worker_threads';

/**
 * Where a worker thread of this room starts. Compiled, it is the .js file next to this one.
 * From sources (vitest, tsx) it is the .ts file, loaded through tsx's API inside the thread:
 * Node 20 does not apply an `--import tsx` in a worker's execArgv to the worker's own entry.
 */
export function workerEntry(name: string): { script: string | URL; options: WorkerOptions } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { script: new URL(`./${name}.js`, here), options: {} };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${name}.ts`, here).href;
  const script =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return { script, options: { eval: true } };
}
