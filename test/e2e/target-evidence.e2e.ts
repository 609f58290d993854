// A person drops Debian's arm64 busybox (from the target corpus, fetched by
// scripts/fetch-target-corpus.sh) on a version: the upload dialog fills in its target and says
// why, under the target, so the person can check it before queueing. Skipped, saying why,
// without the corpus.
import { readFile } from 'node:fs/promises';
import { dropFile, uploadDialog } from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';
import { CORPUS_MISSING, corpusFile, corpusReady } from '../target-corpus.js';

const busybox = corpusFile('busybox-arm64');

test('shows the target read from a dropped arm64 busybox, and the evidence under it', async ({
  desk,
  peridio,
}) => {
  if (!corpusReady) console.log(`Skipping: ${CORPUS_MISSING}`);
  test.skip(!corpusReady, CORPUS_MISSING);
  const { page } = desk;
  const artifact = await peridio.api.createArtifact('busybox');
  const version = await peridio.api.createVersion(artifact.prn, '1.35.0');

  await desk.open();
  await desk.goToVersion(version.prn);
  await dropFile(
    page,
    page.getByRole('region', { name: 'Drop files to upload' }),
    'busybox',
    await readFile(busybox),
  );
  const dialog = uploadDialog(page, 'busybox');
  const target = dialog.getByRole('textbox', { name: 'Target' });
  await expect(target).toHaveValue('aarch64-unknown-linux-gnu');
  await expect(target).toHaveAccessibleDescription(
    "Detected from the file's header: ELF 64-bit ARM aarch64, Linux.",
  );
  await expect(dialog).toContainText('ELF 64-bit ARM aarch64, Linux');
  await screenshot(page, 'upload-target-evidence');
});
