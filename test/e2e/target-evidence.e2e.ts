// A person drops Debian's arm64 busybox (from the target corpus, fetched by
// scripts/fetch-target-corpus.sh) on a version: the upload dialog fills in its target and says
// why, under the target, so the person can check it before queueing. Skipped, saying why,
// without the corpus.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { dropFile, uploadDialog } from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';

const corpus = process.env.PERIDIO_DESK_TARGET_CORPUS ?? '/var/tmp/peridio-desk-target-corpus';
const busybox = path.join(corpus, 'files', 'busybox-arm64');

test('shows the target read from a dropped arm64 busybox, and the evidence under it', async ({
  desk,
  peridio,
}) => {
  const missing = `no target corpus in ${corpus}: run scripts/fetch-target-corpus.sh`;
  if (!existsSync(busybox)) console.log(`Skipping: ${missing}`);
  test.skip(!existsSync(busybox), missing);
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
