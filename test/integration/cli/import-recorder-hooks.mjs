// The hooks of import-recorder.mjs: `load` sees every module, from sources (tsx) or built,
// Node's own (`node:tls`) included when imported.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.IMPORT_RECORDER_FILE, `${url}\n`);
  return nextLoad(url, context);
}
