// Story: the owner of a build machine has the app upload each finished build output. In the
// Watch folders view they add a rule on the build folder (a fixed version and target, no
// signing key, replacing the unsigned binary a rebuild supersedes); a file written there in
// chunks becomes a job that ends Done and a binary of the right size. Paused, the rule takes
// nothing; resumed, it takes what was written meanwhile. Renamed, it is listed by its new
// name. The folder removed, the rule shows stopped and says which folder; made again, it
// watches again. Removed, the rule is gone.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Locator, Page } from '@playwright/test';
import type { JobView, WatchRuleView } from '../../src-preload/contract.js';
import { binaryRow, cellOf, goToSection, stateOf, uploadJob } from './desk-ui.js';
import { expect, screenshot, test, type Desk } from './fixtures.js';

/** The rule's card in the list, found by its own Edit button (names may share words). */
function ruleCard(page: Page, name: string): Locator {
  return page
    .getByRole('list', { name: 'Watch rules' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: `Edit ${name}`, exact: true }) });
}

function badge(card: Locator, status: 'Watching' | 'Paused' | 'Stopped'): Locator {
  return card.getByText(status, { exact: true });
}

/**
 * Writes `size` random bytes to `file` in four chunks a little apart, as a build writes its
 * output (the gaps are well under the settle time, so the watcher sees a growing file that
 * must hold still before it is taken), then leaves it. Answers its SHA-256.
 */
async function writeInChunks(file: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    const chunk = Math.ceil(size / 4);
    for (let at = 0; at < size; at += chunk) {
      if (at > 0) await delay(150);
      const bytes = randomBytes(Math.min(chunk, size - at));
      hash.update(bytes);
      await handle.write(bytes);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

async function jobsOf(desk: Desk): Promise<JobView[]> {
  // One page holds them all here: the test makes a handful of jobs.
  const page = (await desk.command('jobs.list')) as { items: JobView[]; nextCursor: string | null };
  expect(page.nextCursor).toBeNull();
  return page.items;
}

test('a watch rule uploads finished build outputs; paused, renamed, stopped and removed', async ({
  desk,
  peridio,
  workDir,
}) => {
  const { page } = desk;
  const { api } = peridio;
  const artifact = await api.createArtifact('gateway');
  const version = await api.createVersion(artifact.prn, '3.1.0');
  const target = 'aarch64-unknown-linux-gnu';
  const folder = path.join(workDir, 'build-out');
  await mkdir(folder);
  const ruleName = 'nightly-gateway';

  await desk.open();
  await goToSection(page, 'Watch folders');
  await page.getByRole('button', { name: 'Add watch rule', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add watch rule' });
  await dialog.getByRole('textbox', { name: 'Rule name' }).fill(ruleName);
  await dialog.getByRole('textbox', { name: 'Folder' }).fill(folder);
  await dialog.getByRole('combobox', { name: 'Artifact' }).selectOption({ label: 'gateway' });
  const versionChoice = dialog.getByRole('combobox', { name: 'Version', exact: true });
  await expect(versionChoice).toBeEnabled();
  await expect(versionChoice.getByRole('option', { name: '3.1.0' })).toBeAttached();
  await versionChoice.selectOption({ label: '3.1.0' });
  await dialog.getByRole('textbox', { name: 'Target' }).fill(target);
  await expect(
    dialog.getByRole('combobox', { name: 'Signing key' }).locator('option:checked'),
  ).toHaveText('Do not sign');
  // A rebuild replaces the unsigned binary the previous build left on the version.
  await dialog.getByRole('checkbox', { name: /^Replace an unsigned binary/ }).check();
  // The dialog offers no settle time: the rule keeps the default.
  await dialog.getByRole('button', { name: 'Save rule', exact: true }).click();
  await expect(dialog).toBeHidden();

  let card = ruleCard(page, ruleName);
  await expect(badge(card, 'Watching')).toBeVisible();
  await expect(card).toContainText(folder);
  await expect(card).toContainText(`To gateway 3.1.0 · target ${target}`);
  const [saved] = (await desk.command('watch.list')) as WatchRuleView[];
  expect(saved?.settings).toMatchObject({ name: ruleName, folder, target, signingKey: null });
  const settleMs = saved!.settings.settleMs;

  // The first build output: taken once it holds still, uploaded, Done, signable.
  const first = { name: 'gateway-3.1.0.bin', size: 40_000 };
  const firstHash = await writeInChunks(path.join(folder, first.name), first.size);
  await expect(card).toContainText('1 uploaded', { timeout: 30_000 });
  await screenshot(page, 'watch-folders', { dark: true });

  await goToSection(page, 'Uploads');
  await expect(uploadJob(page, first.name)).toContainText('Done');
  await desk.goToVersion(version.prn);
  const row = binaryRow(page, target);
  await expect(stateOf(row)).toHaveText('signable');
  await expect(cellOf(row, 'Size')).toHaveText('39.1 KiB');
  expect(await api.binariesOf(version.prn)).toMatchObject([
    { target, size: first.size, hash: firstHash },
  ]);

  // Paused: a file written now is not taken, even well after it has settled.
  await goToSection(page, 'Watch folders');
  await page.getByRole('button', { name: `Pause ${ruleName}`, exact: true }).click();
  await expect(badge(card, 'Paused')).toBeVisible();
  await expect(card).toContainText(/paused by a person/i);
  await expect(page.getByRole('button', { name: `Resume ${ruleName}`, exact: true })).toBeVisible();
  const second = { name: 'gateway-3.1.0-rebuild.bin', size: 70_000 };
  const secondHash = await writeInChunks(path.join(folder, second.name), second.size);
  const until = Date.now() + 2 * settleMs;
  while (Date.now() < until) {
    expect((await jobsOf(desk)).map((job) => path.basename(job.request.path))).toEqual([
      first.name,
    ]);
    await delay(250);
  }
  await expect(card).toContainText('1 uploaded');

  // Resumed: the file written meanwhile is taken, and replaces the unsigned binary.
  await page.getByRole('button', { name: `Resume ${ruleName}`, exact: true }).click();
  await expect(badge(card, 'Watching')).toBeVisible();
  await expect(card).toContainText('2 uploaded', { timeout: 30_000 });
  await goToSection(page, 'Uploads');
  await expect(uploadJob(page, second.name)).toContainText('Done');
  await desk.goToVersion(version.prn);
  await expect(cellOf(row, 'Size')).toHaveText('68.4 KiB');
  expect(await api.binariesOf(version.prn)).toMatchObject([
    { target, size: second.size, hash: secondHash },
  ]);

  // Renamed in the Edit dialog: listed by its new name only, still watching.
  await goToSection(page, 'Watch folders');
  await page.getByRole('button', { name: `Edit ${ruleName}`, exact: true }).click();
  const editDialog = page.getByRole('dialog', { name: 'Edit watch rule' });
  const nameField = editDialog.getByRole('textbox', { name: 'Rule name' });
  await expect(nameField).toHaveValue(ruleName);
  await expect(editDialog.getByRole('textbox', { name: 'Folder' })).toHaveValue(folder);
  await expect(editDialog.getByRole('combobox', { name: 'Version', exact: true })).toHaveValue(
    version.prn,
  );
  const newName = 'release-gateway';
  await nameField.fill(newName);
  await editDialog.getByRole('button', { name: 'Save rule', exact: true }).click();
  await expect(editDialog).toBeHidden();
  card = ruleCard(page, newName);
  await expect(badge(card, 'Watching')).toBeVisible();
  await expect(ruleCard(page, ruleName)).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Watch rules' }).getByRole('listitem')).toHaveCount(
    1,
  );

  // The folder removed: stopped, saying which folder; made again: watching again.
  await rm(folder, { recursive: true });
  await expect(badge(card, 'Stopped')).toBeVisible();
  const stoppedReason = card.getByText(`${folder} does not exist`, { exact: true });
  await expect(stoppedReason).toBeVisible();
  await mkdir(folder);
  await expect(badge(card, 'Watching')).toBeVisible();
  await expect(stoppedReason).toHaveCount(0);

  // Removed: gone from the list and from the engine.
  await page.getByRole('button', { name: `Remove ${newName}`, exact: true }).click();
  await expect(card).toHaveCount(0);
  await expect(page.getByText(/No watch rules yet/)).toBeVisible();
  expect(await desk.command('watch.list')).toEqual([]);
  expect(await jobsOf(desk)).toHaveLength(2);
});
