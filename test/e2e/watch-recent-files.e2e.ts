// Story: a build machine's folder takes a burst of outputs (a release build writes sixty
// copies of one image under board names). The Watch folders view keeps listing the latest
// 50 file events only, newest first, so a window left open for months holds no more than
// that; the rule's counters still count every file.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { goToSection } from './desk-ui.js';
import { expect, test } from './fixtures.js';

const LISTED = 50;
const BURST = 60;

test('the Watch folders view lists the latest 50 files, newest first, and counts them all', async ({
  desk,
  peridio,
  workDir,
}) => {
  const { page } = desk;
  const artifact = await peridio.api.createArtifact('gateway');
  const version = await peridio.api.createVersion(artifact.prn, '4.0.0');
  const folder = path.join(workDir, 'build-out');
  await mkdir(folder);
  await desk.command('watch.save', {
    rule: {
      name: 'burst',
      folder,
      artifactVersionPrn: version.prn,
      target: 'aarch64-unknown-linux-gnu',
      settleMs: 200,
      // The newest image replaces the burst's unsigned binary instead of conflicting with it.
      replace: true,
    },
  });

  await desk.open();
  await goToSection(page, 'Watch folders');
  const card = page.getByRole('list', { name: 'Watch rules' }).getByRole('listitem');
  const recent = page.getByRole('list', { name: 'Recent files' }).getByRole('listitem');

  // One content under sixty names: one upload, fifty-nine duplicates, each file told twice.
  const image = randomBytes(4096);
  for (let board = 1; board <= BURST; board += 1) {
    await writeFile(path.join(folder, `gateway-board${String(board).padStart(2, '0')}.img`), image);
  }
  await expect(card).toContainText(`${BURST} seen`, { timeout: 30_000 });
  await expect(card).toContainText(`1 uploaded · ${BURST - 1} duplicates`, { timeout: 30_000 });
  await expect(recent).toHaveCount(LISTED);

  // The newest file goes on top and the list stays at fifty.
  await writeFile(path.join(folder, 'gateway-latest.img'), randomBytes(4096));
  await expect(card).toContainText('2 uploaded', { timeout: 30_000 });
  await expect(recent.first()).toContainText('gateway-latest.img');
  await expect(recent.first()).toContainText('uploaded');
  await expect(recent).toHaveCount(LISTED);
  const names = await recent.locator('.file-name').allTextContents();
  expect(names.filter((name) => name === 'gateway-latest.img').length).toBeGreaterThanOrEqual(2);
});
