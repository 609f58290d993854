// Where a file the app can no longer use is kept: beside it, under a name that says why and
// when, so nothing is deleted and the person can find it.
import { existsSync } from 'node:fs';

/** `<file>.<why>-<UTC time>` (no colons: valid on Windows too), with `-2`, `-3`… if taken. */
export function asideName(file: string, why: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const base = `${file}.${why}-${stamp}`;
  let name = base;
  for (let attempt = 2; existsSync(name); attempt += 1) name = `${base}-${attempt}`;
  return name;
}
