// The hooks of import-recorder.mjs: `load` sees every module, from sources (tsx) or built.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('node:')) appendFileSync(process.env.IMPORT_RECORDER_FILE, `${url}\n`);
  return nextLoad(url, context);
}
