// Measurement: a version with 1,000 binaries. Goal: the view is interactive within 300 ms of
// its data arriving. The renderer marks `peridio:binaries-data` when the last page of the list
// is in and `peridio:binaries-painted` once the DOM is updated and a frame ran; right after
// the paint mark the test scrolls the table with the mouse wheel, as a person would, and times
// when new rows are put in. Printed as one JSON line and asserted.
import type { Page } from '@playwright/test';
import { binariesTable } from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';
import { installInputProbe, pageNow, printMeasurement, readInputProbe } from './page-measures.js';

const COUNT = 1000;
const GOAL_MS = 300;

/** The start of the first mark `name` at or after `since` (page clock). */
async function markAfter(page: Page, name: string, since: number): Promise<number> {
  const times = await page.evaluate(
    (mark) =>
      (
        globalThis as unknown as {
          performance: { getEntriesByName(n: string): { startTime: number }[] };
        }
      ).performance
        .getEntriesByName(mark)
        .map((entry) => entry.startTime),
    name,
  );
  const time = times.find((t) => t >= since);
  if (time === undefined) throw new Error(`no ${name} mark after ${since} (saw ${times})`);
  return time;
}

/** The targets of the rows in the DOM now (a virtual list holds only those near the view). */
async function renderedTargets(page: Page): Promise<string[]> {
  const cells = await binariesTable(page)
    .getByRole('row')
    .locator('td:first-child')
    .allTextContents();
  return cells.map((text) => text.trim()).filter((text) => text !== '');
}

test('shows 1,000 binaries interactive within 300 ms of the data arriving', async ({
  desk,
  peridio,
}) => {
  const { page } = desk;
  const { api } = peridio;
  const artifact = await api.createArtifact('fleet-image');
  const version = await api.createVersion(artifact.prn, '7.0.0');
  const seedStart = Date.now();
  await api.seedManyBinaries(version.prn, COUNT, 'board');
  const seedMs = Date.now() - seedStart;

  await desk.open();
  await installInputProbe(page);
  const navigationStart = await pageNow(page);
  await desk.goToVersion(version.prn);
  // The mouse waits over the table while the pages load, so the wheel can follow the paint
  // mark at once (what is timed is the app, not the test's own round trips).
  const table = binariesTable(page);
  await expect(table).toBeVisible();
  const box = await table.boundingBox();
  if (!box) throw new Error('the binaries table is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 200));
  await page.waitForFunction(
    (since) =>
      (
        globalThis as unknown as {
          performance: { getEntriesByName(n: string): { startTime: number }[] };
        }
      ).performance
        .getEntriesByName('peridio:binaries-painted')
        .some((entry) => entry.startTime >= since),
    navigationStart,
    { polling: 'raf', timeout: 30_000 },
  );
  await page.mouse.wheel(0, 44 * 40);
  const atInput = async () => (await readInputProbe(page)).rowsAtInput;
  await expect
    .poll(async () => {
      const before = await atInput();
      return (await renderedTargets(page)).some((target) => !before.includes(target));
    })
    .toBe(true);

  const data = await markAfter(page, 'peridio:binaries-data', navigationStart);
  const painted = await markAfter(page, 'peridio:binaries-painted', navigationStart);
  const probe = await readInputProbe(page);
  if (probe.inputAt === null || probe.handledAt === null || probe.respondedAt === null) {
    throw new Error(`the scroll got no answer in rows: ${JSON.stringify(probe)}`);
  }
  const result = {
    binaries: COUNT,
    seedMs,
    navigationToDataMs: Math.round(data - navigationStart),
    navigationToPaintedMs: Math.round(painted - navigationStart),
    dataToPaintedMs: Math.round(painted - data),
    dataToInputAnsweredMs: Math.round(probe.respondedAt - data),
    inputDelayMs: Math.round(probe.handledAt - probe.inputAt),
    inputToRowsMs: Math.round(probe.respondedAt - probe.inputAt),
    rowsInDomAtInput: probe.rowsAtInput.length,
    goalMs: GOAL_MS,
  };
  printMeasurement('binaries-1000', result);
  await test.info().attach('binaries-1000.json', {
    body: JSON.stringify(result, null, 2),
    contentType: 'application/json',
  });

  await expect(page.getByText(`${COUNT} binaries`)).toBeVisible();
  expect(probe.rowsAtInput.length, 'rows in the DOM when the data was painted').toBeGreaterThan(0);
  expect(
    probe.rowsAtInput.length,
    'only the rows near the view are in the DOM',
  ).toBeLessThanOrEqual(100);
  expect(result.dataToPaintedMs).toBeLessThanOrEqual(GOAL_MS);
  expect(result.dataToInputAnsweredMs).toBeLessThanOrEqual(GOAL_MS);
  await screenshot(page, 'binaries-1000');
});
