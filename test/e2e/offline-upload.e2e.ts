// Story 4: the server goes away in the middle of an upload (killed, as when a link or a
// machine drops) and comes back on the same address. The app says it is offline and that
// queued uploads wait; the job shows as waiting, never failed; once the server answers again
// the app is online and the job goes on to Signed, with the whole file on the server.
import { expect as baseExpect } from '@playwright/test';
import {
  binaryRow,
  cellOf,
  chooseFileToUpload,
  createSigningKey,
  goToSection,
  stateOf,
  uploadDialog,
  uploadJob,
} from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';
import { ELF_TARGETS, MiB, writeElfFile } from './test-files.js';

const PARTS = 12;

// A slow link on the first start (every request waits 300 ms), so the kill lands while parts
// are still going; the restarted server has no delay.
test.use({ serverFaults: 'latencyMs=300' });

test('keeps an upload waiting while the server is down and finishes it when it is back', async ({
  desk,
  peridio,
  workDir,
}) => {
  test.setTimeout(240_000);
  const { page } = desk;
  const { api } = peridio;
  const keyName = `offline-key-${Date.now()}`;
  const target = ELF_TARGETS.riscv64.target;
  const artifact = await api.createArtifact('edge-agent');
  const version = await api.createVersion(artifact.prn, '5.0.0');
  const file = await writeElfFile(workDir, 'edge-agent-riscv64', PARTS * 8 * MiB, 'riscv64');

  await desk.open();
  await createSigningKey(page, keyName);
  await desk.goToVersion(version.prn);
  await chooseFileToUpload(page, file.path);
  const dialog = uploadDialog(page, file.name);
  await expect(dialog.getByRole('textbox', { name: 'Target' })).toHaveValue(target);
  await dialog.getByRole('combobox', { name: 'Signing key' }).selectOption({ label: keyName });
  await dialog.getByRole('button', { name: 'Queue upload', exact: true }).click();
  await expect(dialog).toBeHidden();
  await goToSection(page, 'Uploads');
  const job = uploadJob(page, file.name);
  await expect(job).toBeVisible();

  // Pulled once the first part's bytes are stored, while the others are still on their way.
  const partsStored = async () =>
    (await peridio.accessLog()).filter(
      (entry) =>
        entry.method === 'PUT' && entry.path.startsWith('/presigned/parts/') && entry.status < 300,
    ).length;
  await baseExpect.poll(partsStored, { timeout: 60_000, intervals: [20] }).toBeGreaterThan(0);
  await peridio.kill();
  const storedBeforeKill = await partsStored();
  expect(storedBeforeKill, 'the server died with parts still to come').toBeLessThan(PARTS);

  const connection = page.getByRole('status', { name: 'Connection' });
  await expect(connection).toHaveText(/^Offline: .+/, { timeout: 60_000 });
  await expect(
    page.getByText('Queued uploads wait and go out when the server is back'),
  ).toBeVisible();
  await expect(job).toContainText(/Waiting: .+/);
  await expect(job).not.toContainText('Failed');
  await expect(job.getByRole('button', { name: `Retry ${file.name}` })).toHaveCount(0);
  await screenshot(page, 'offline', { dark: true });

  // Asking while the server is still down says so again (that an ask finds a server that is
  // back, before the next probe, is test/integration/service/check-connection.test.ts).
  const checkNow = page.getByRole('button', { name: 'Check now', exact: true });
  await checkNow.click();
  await expect(checkNow).toBeEnabled();
  await expect(connection).toHaveText(/^Offline: .+/);
  await expect(job).toContainText(/Waiting: .+/);

  await peridio.restart();
  await expect(connection).toHaveText('Online', { timeout: 90_000 });
  await expect(
    page.getByText('Queued uploads wait and go out when the server is back'),
  ).toBeHidden();
  await expect(job).toContainText('Signed', { timeout: 90_000 });

  const binaries = await api.binariesOf(version.prn);
  expect(binaries).toHaveLength(1);
  expect(binaries[0]).toMatchObject({
    target,
    state: 'signed',
    hash: file.sha256,
    size: file.size,
  });
  await expect(page.getByRole('list', { name: 'Upload jobs' }).getByRole('listitem')).toHaveCount(
    1,
  );

  await desk.goToVersion(version.prn);
  const row = binaryRow(page, target);
  await expect(stateOf(row)).toHaveText('signed');
  await expect(cellOf(row, 'Signatures')).toContainText(keyName);
});
