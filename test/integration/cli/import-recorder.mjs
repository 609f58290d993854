// Registered with `node --import`: appends the URL of every module the process loads to the
// file IMPORT_RECORDER_FILE names, one per line. The hooks run on their own thread in Node 20,
// so each URL is written synchronously, before the module is loaded.
import { register } from 'node:module';

if (process.env.IMPORT_RECORDER_FILE) {
  register('./import-recorder-hooks.mjs', import.meta.url);
}
