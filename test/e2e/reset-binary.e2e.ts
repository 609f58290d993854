// Story 2: a person drops a build output on a version, queues it without a signing key (the
// job ends Done, the binary waits signable), then resets it: the dialog says what reset
// deletes, and the binary goes back to uploadable, on screen and on the server. A signed
// binary beside it offers no Reset, only what its state allows.
import { readFile } from 'node:fs/promises';
import {
  binaryRow,
  cellOf,
  dropFile,
  goToSection,
  stateOf,
  uploadDialog,
  uploadJob,
} from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';
import { ELF_TARGETS, writeElfFile } from './test-files.js';

test('drops a file, uploads it unsigned, and resets the binary to uploadable', async ({
  desk,
  peridio,
  workDir,
}) => {
  const { page } = desk;
  const { api } = peridio;
  const artifact = await api.createArtifact('bootloader');
  const version = await api.createVersion(artifact.prn, '2.0.0');
  const seedKey = await api.createSigningKey('ci-key');
  const signedTarget = 'armv7-unknown-linux-gnueabihf';
  await api.seedSignedBinary(version.prn, signedTarget, seedKey);
  const target = ELF_TARGETS.x86_64.target;
  const file = await writeElfFile(workDir, 'bootloader-x86_64.elf', 256 * 1024, 'x86_64');

  await desk.open();
  await desk.goToVersion(version.prn);
  await expect(
    page.getByRole('heading', { name: /^Binaries of (bootloader )?2\.0\.0$/ }),
  ).toBeVisible();

  const signedRow = binaryRow(page, signedTarget);
  await expect(stateOf(signedRow)).toHaveText('signed');
  // The key is not in this app's keychain, so its id stands in for its name.
  await expect(cellOf(signedRow, 'Signatures')).toContainText(seedKey.keyid);
  await expect(page.getByRole('button', { name: `Destroy ${signedTarget}` })).toBeVisible();
  await expect(page.getByRole('button', { name: `Reset ${signedTarget}` })).toHaveCount(0);

  await dropFile(
    page,
    page.getByRole('region', { name: 'Drop files to upload' }),
    file.name,
    await readFile(file.path),
  );
  const dialog = uploadDialog(page, file.name);
  await expect(dialog.getByRole('textbox', { name: 'Target' })).toHaveValue(target);
  const keyChoice = dialog.getByRole('combobox', { name: 'Signing key' });
  await expect(keyChoice.locator('option:checked')).toHaveText('Do not sign');
  await dialog.getByRole('button', { name: 'Queue upload', exact: true }).click();
  await expect(dialog).toBeHidden();

  const row = binaryRow(page, target);
  await expect(stateOf(row)).toHaveText('signable', { timeout: 30_000 });
  await expect(cellOf(row, 'Signatures')).not.toContainText(seedKey.keyid);
  await screenshot(page, 'binaries-states', { dark: true });

  await goToSection(page, 'Uploads');
  await expect(uploadJob(page, file.name)).toContainText('Done');
  await page.goBack();
  const [before] = (await api.binariesOf(version.prn)).filter(
    (binary: { target: string }) => binary.target === target,
  );
  expect(before).toMatchObject({ state: 'signable', hash: file.sha256 });

  await page.getByRole('button', { name: `Reset ${target}` }).click();
  const resetDialog = page.getByRole('dialog', { name: 'Reset binary' });
  await expect(resetDialog).toContainText(/parts/i);
  await expect(resetDialog).toContainText(/uploadable/);
  await screenshot(page, 'reset-dialog');
  await resetDialog.getByRole('button', { name: 'Reset binary', exact: true }).click();
  await expect(resetDialog).toBeHidden();

  await expect(stateOf(row)).toHaveText('uploadable');
  await expect(page.getByRole('button', { name: `Reset ${target}` })).toHaveCount(0);
  const after = await api.getBinary(before.prn);
  expect(after).toMatchObject({ state: 'uploadable', revision: before.revision + 1 });
  // The signed binary beside it is untouched.
  await expect(stateOf(signedRow)).toHaveText('signed');
});
