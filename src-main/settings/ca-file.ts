// A profile's extra CA file must be there when the profile is saved, so a typo is caught
// when it is made rather than at the first upload. It is stored as an absolute path because
// the agent may run from any folder.
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { whyUnreadable } from '../files/index.js';

export type CaFileCheck = { ok: true; path: string } | { ok: false; message: string };

export function checkCaFile(path: string, relativeTo: string = process.cwd()): CaFileCheck {
  const absolute = resolve(relativeTo, path);
  try {
    if (!statSync(absolute).isFile()) {
      return { ok: false, message: `the CA file "${absolute}" is not a file` };
    }
    accessSync(absolute, constants.R_OK);
    return { ok: true, path: absolute };
  } catch (error) {
    return { ok: false, message: `the CA file "${absolute}" ${whyUnreadable(error)}` };
  }
}
