// Where scripts/fetch-target-corpus.sh keeps its real build outputs, for the tests that read
// them; they skip, printing `CORPUS_MISSING`, when it is not there.
import { existsSync } from 'node:fs';
import path from 'node:path';

export const TARGET_CORPUS =
  process.env.PERIDIO_DESK_TARGET_CORPUS ?? '/var/tmp/peridio-desk-target-corpus';

/** The script's stamp of a complete cache (its VERSION: older caches are made again). */
export const corpusReady = existsSync(path.join(TARGET_CORPUS, 'complete-v2'));

export const CORPUS_MISSING =
  `no target corpus in ${TARGET_CORPUS}: run scripts/fetch-target-corpus.sh ` +
  '(or set PERIDIO_DESK_TARGET_CORPUS)';

/** A file of the corpus, by its name under files/. */
export function corpusFile(name: string): string {
  return path.join(TARGET_CORPUS, 'files', name);
}
