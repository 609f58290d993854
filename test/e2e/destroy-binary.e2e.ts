// Story 3: a signed binary is in a bundle that two releases ship, one of them required. The
// person opens Destroy, sees both releases (the required one first, marked), ticks the
// required one to disable it, and can only confirm after typing the target exactly. The
// binary ends destroyed; on the server the ticked release is disabled and the other is not.
import type { Page } from '@playwright/test';
import { binaryRow, stateOf } from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';

/** "destroyed" while the row stays, "gone" once the view drops destroyed binaries. */
async function shownState(page: Page, target: string): Promise<string> {
  const row = binaryRow(page, target);
  if ((await row.count()) === 0) return 'gone';
  return (await stateOf(row).textContent())?.trim() ?? '';
}

test('destroys a binary after disabling the required release that ships it', async ({
  desk,
  peridio,
}) => {
  const { page } = desk;
  const { api } = peridio;
  const target = 'aarch64-unknown-linux-musl';
  const artifact = await api.createArtifact('sensor-hub');
  const version = await api.createVersion(artifact.prn, '3.1.0');
  const seedKey = await api.createSigningKey('factory-key');
  const binary = await api.seedSignedBinary(version.prn, target, seedKey);
  const cohort = await api.createCohort('field-units');
  const bundle = await api.createBundle([binary.prn], 'sensor-hub 3.1.0');
  const beta = await api.createRelease({
    name: 'beta-ring',
    bundlePrn: bundle.prn,
    cohortPrn: cohort.prn,
    required: false,
  });
  const rollout = await api.createRelease({
    name: 'field-rollout',
    bundlePrn: bundle.prn,
    cohortPrn: cohort.prn,
    required: true,
  });

  await desk.open();
  await desk.goToVersion(version.prn);
  const row = binaryRow(page, target);
  await expect(stateOf(row)).toHaveText('signed');
  await page.getByRole('button', { name: `Destroy ${target}` }).click();

  const dialog = page.getByRole('dialog', { name: 'Destroy binary' });
  await expect(dialog).toContainText('Destroying is irreversible');
  const releases = dialog.getByRole('listitem');
  await expect(releases).toHaveText([/field-rollout.*required/, /beta-ring/]);
  await expect(releases.nth(1)).not.toContainText('required');
  const disableRollout = dialog.getByRole('checkbox', { name: 'Disable release field-rollout' });
  const disableBeta = dialog.getByRole('checkbox', { name: 'Disable release beta-ring' });
  await disableRollout.check();
  await expect(disableBeta).not.toBeChecked();

  const confirm = dialog.getByRole('textbox', { name: 'Type the target to confirm' });
  const destroy = dialog.getByRole('button', { name: 'Destroy binary', exact: true });
  await expect(destroy).toBeDisabled();
  await confirm.fill('aarch64-unknown-linux');
  await expect(destroy).toBeDisabled();
  await confirm.fill(`${target} `);
  await expect(destroy).toBeDisabled();
  await confirm.fill(target);
  await expect(destroy).toBeEnabled();
  await screenshot(page, 'destroy-dialog', { dark: true });
  await destroy.click();
  await expect(dialog).toBeHidden();

  await expect.poll(() => shownState(page, target)).toMatch(/^(destroyed|gone)$/);
  await expect(page.getByRole('button', { name: `Destroy ${target}` })).toHaveCount(0);

  expect(await api.getBinary(binary.prn)).toMatchObject({ state: 'destroyed', destroyed: true });
  expect(await api.getRelease(rollout.prn)).toMatchObject({ disabled: true, required: true });
  expect(await api.getRelease(beta.prn)).toMatchObject({ disabled: false });
});
