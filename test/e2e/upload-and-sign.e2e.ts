// Story 1: a person makes an artifact and a version, creates a signing key, picks a build
// output of several parts, keeps the detected target, chooses the key and queues it; the
// progress bar moves, the job ends Signed, and the binaries table shows it signed with the
// key's name and the file's size. The server is asked afterwards whether all of it is true.
// On the Uploads page a bandwidth cap is set (a wrong one refused), shown and removed.
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import {
  BINARY_COLUMNS,
  binariesTable,
  binaryRow,
  cellOf,
  choice,
  chooseFileToUpload,
  createArtifactAndVersion,
  createSigningKey,
  goToSection,
  stateOf,
  uploadDialog,
  uploadJob,
  versionPrnOf,
} from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';
import { startProgressSampler, stopProgressSampler } from './page-measures.js';
import { ELF_TARGETS, MiB, writeElfFile } from './test-files.js';

// 50 ms before every answer, like a server across a real network: on loopback alone a 40 MiB
// upload can be over between two progress events, and the bar would have nothing to show.
test.use({ serverFaults: 'latencyMs=50' });

test('creates an artifact and a version, uploads a multi-part file and signs it', async ({
  desk,
  peridio,
  workDir,
}) => {
  const { page } = desk;
  const keyName = `release-key-${Date.now()}`;
  const artifactName = 'gateway-firmware';
  const target = ELF_TARGETS.aarch64.target;
  const filesDir = path.join(workDir, 'files');
  await mkdir(filesDir);
  // 40 MiB: five parts of the app's 8 MiB minimum part size.
  const file = await writeElfFile(filesDir, 'gateway-aarch64.bin', 40 * MiB, 'aarch64');

  await desk.open();
  const banner = page.getByRole('banner');
  await expect(banner).toContainText('Environment');
  await expect(banner).toContainText(peridio.url);
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online');

  const keyItem = await createSigningKey(page, keyName);
  const serverKeys = await peridio.api.listAll('/signing_keys', 'signing_keys');
  const registered = serverKeys.find((key: { name: string }) => key.name === keyName);
  expect(registered, 'the new key is registered on the server').toBeDefined();
  await expect(keyItem).toContainText(registered.keyid);
  await screenshot(page, 'signing-keys', { dark: true });

  await createArtifactAndVersion(page, artifactName, '1.4.0');
  const versionPrn = versionPrnOf(page);
  const version = (await peridio.api.expect(200, 'GET', `/artifact_versions/${versionPrn}`))
    .artifact_version;
  expect(version.version).toBe('1.4.0');
  const artifact = (await peridio.api.expect(200, 'GET', `/artifacts/${version.artifact_prn}`))
    .artifact;
  expect(artifact.name).toBe(artifactName);

  await chooseFileToUpload(page, file.path);
  const dialog = uploadDialog(page, file.name);
  await expect(dialog.getByRole('textbox', { name: 'Target' })).toHaveValue(target);
  const keyChoice = dialog.getByRole('combobox', { name: 'Signing key' });
  await expect(keyChoice.getByRole('option')).toHaveText(['Do not sign', keyName]);
  await keyChoice.selectOption({ label: keyName });
  await expect(
    dialog.getByRole('checkbox', { name: 'Replace an existing binary for this target' }),
  ).not.toBeChecked();
  // Sampling from before the click: a fast local upload is over in a second or two.
  await startProgressSampler(page, `${file.name} progress`);
  await dialog.getByRole('button', { name: 'Queue upload', exact: true }).click();
  await expect(dialog).toBeHidden();

  await goToSection(page, 'Uploads');
  const job = uploadJob(page, file.name);
  await expect(job).toContainText('Signed', { timeout: 60_000 });
  await expect(job.getByRole('progressbar', { name: `${file.name} progress` })).toHaveAttribute(
    'aria-valuenow',
    '100',
  );
  const seen = await stopProgressSampler(page);
  expect(
    seen.some((value) => value > 0 && value < 100),
    `the progress bar showed values between 0 and 100 on the way (saw ${JSON.stringify(seen)})`,
  ).toBe(true);
  await screenshot(page, 'uploads', { dark: true });

  // The bandwidth cap: set on the Uploads page, checked as the engine checks it, and shown
  // beside the speed of all uploads.
  const capField = page.getByRole('textbox', { name: 'Bandwidth cap' });
  const setCap = page.getByRole('button', { name: 'Set cap', exact: true });
  const allUploads = page.getByText(/^All uploads:/);
  await expect(allUploads).toContainText('(no cap)');
  await capField.fill('5 Mb/s');
  await setCap.click();
  await expect(page.getByText(/"5 Mb\/s" is ambiguous \(bits or bytes\?\)/)).toBeVisible();
  await expect(capField).toHaveAttribute('aria-invalid', 'true');
  await capField.fill('40Mbps');
  await setCap.click();
  await expect(allUploads).toContainText('(cap 40 Mbit/s)');
  await expect(capField).toHaveAttribute('aria-invalid', 'false');
  await page.getByRole('button', { name: 'Remove cap', exact: true }).click();
  await expect(allUploads).toContainText('(no cap)');

  await desk.goToVersion(versionPrn);
  const table = binariesTable(page);
  await expect(table.getByRole('columnheader')).toHaveText([...BINARY_COLUMNS]);
  const row = binaryRow(page, target);
  await expect(stateOf(row)).toHaveText('signed');
  await expect(cellOf(row, 'Signatures')).toContainText(keyName);
  await expect(cellOf(row, 'Size')).toHaveText(/^\s*40(\.0+)? MiB\s*$/);
  await expect(cellOf(row, 'Hash')).toContainText(file.sha256.slice(0, 12));
  await expect(page.getByRole('button', { name: `Copy hash of ${target}` })).toBeVisible();
  await screenshot(page, 'binaries', { dark: true });

  await goToSection(page, 'Artifacts');
  await choice(page.getByRole('list', { name: 'Artifacts' }), artifactName).click();
  await expect(choice(page.getByRole('list', { name: 'Versions' }), '1.4.0')).toBeVisible();
  await screenshot(page, 'artifacts', { dark: true });

  const [binary] = await peridio.api.binariesOf(versionPrn);
  expect(binary).toMatchObject({ target, state: 'signed', hash: file.sha256, size: file.size });
  expect(binary.signatures).toEqual([
    expect.objectContaining({ signing_key_prn: registered.prn, keyid: registered.keyid }),
  ]);
  expect(await peridio.partsReceived(binary.prn)).toEqual([1, 2, 3, 4, 5]);
});
