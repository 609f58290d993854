// Accessibility: every main view and dialog, in light and dark, passes axe-core's WCAG 2 A and
// AA rules with no serious or critical violation (names on controls, contrast, roles), and a
// person can create an artifact with the keyboard alone: Tab to the button, Enter, type, Enter,
// and focus comes back where it was when the dialog closes.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { binaryRow, goToSection } from './desk-ui.js';
import { expect, test } from './fixtures.js';

const BLOCKING = new Set(['serious', 'critical']);

/** The serious and critical violations on the page as it is now, in both color schemes. */
async function violations(page: Page, where: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const result = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    // Rules that found elements to check and passed: none would mean axe saw an empty page.
    expect(result.passes.length, `axe rules that passed on ${where}`).toBeGreaterThan(5);
    for (const violation of result.violations) {
      if (!BLOCKING.has(violation.impact ?? '')) continue;
      const targets = violation.nodes.map((node) => node.target.join(' ')).slice(0, 5);
      found.push(
        `${where} (${colorScheme}): ${violation.id}: ${violation.help} → ${targets.join(', ')}`,
      );
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

test('every main view and dialog passes axe (WCAG 2 A/AA), light and dark', async ({
  desk,
  peridio,
}) => {
  const { page } = desk;
  const { api } = peridio;
  const artifact = await api.createArtifact('gateway');
  const version = await api.createVersion(artifact.prn, '1.4.0');
  const target = 'aarch64-unknown-linux-gnu';
  await api.seedSignedBinary(version.prn, target, await api.createSigningKey('release'));

  const found: string[] = [];
  await desk.open();
  await page.getByRole('list', { name: 'Artifacts' }).getByText('gateway').click();
  await expect(page.getByRole('heading', { name: 'Versions of gateway' })).toBeVisible();
  found.push(...(await violations(page, 'artifacts and versions')));

  await page.getByRole('button', { name: 'New artifact', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'New artifact' })).toBeVisible();
  found.push(...(await violations(page, 'new artifact dialog')));
  await page.keyboard.press('Escape');

  await desk.goToVersion(version.prn);
  const row = binaryRow(page, target);
  await expect(row).toBeVisible();
  found.push(...(await violations(page, 'binaries of a version')));

  await row.getByRole('button', { name: `Destroy ${target}` }).click();
  const destroy = page.getByRole('dialog', { name: 'Destroy binary' });
  await expect(destroy).toBeVisible();
  found.push(...(await violations(page, 'destroy dialog')));
  await destroy.getByRole('button', { name: 'Cancel', exact: true }).click();

  for (const section of ['Uploads', 'Signing keys', 'Profiles', 'Watch folders'] as const) {
    await goToSection(page, section);
    found.push(...(await violations(page, section)));
  }
  await page.getByRole('button', { name: 'Add watch rule', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Add watch rule' })).toBeVisible();
  found.push(...(await violations(page, 'add watch rule dialog')));
  await page.keyboard.press('Escape');

  await goToSection(page, 'Profiles');
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Add profile' })).toBeVisible();
  found.push(...(await violations(page, 'add profile dialog')));
  await page.keyboard.press('Escape');

  // A profile's proxy dialog, with a refused URL explained next to its field.
  await desk.command('profiles.add', {
    name: 'office',
    baseUrl: peridio.url,
    apiKey: peridio.apiKey,
  });
  await goToSection(page, 'Watch folders');
  await goToSection(page, 'Profiles');
  await page.getByRole('button', { name: 'Proxy for office', exact: true }).click();
  const proxy = page.getByRole('dialog', { name: 'Proxy for office' });
  await proxy.getByRole('textbox', { name: 'Proxy URL' }).fill('socks5://proxy:1080');
  await proxy.getByRole('button', { name: 'Save proxy', exact: true }).click();
  await expect(proxy.getByRole('alert')).toBeVisible();
  found.push(...(await violations(page, 'proxy dialog')));

  expect(found, 'serious or critical accessibility violations').toEqual([]);
});

test('creates an artifact with the keyboard alone, and focus returns after the dialog', async ({
  desk,
}) => {
  const { page } = desk;
  await desk.open();
  await expect(page.getByRole('heading', { name: 'Artifacts', exact: true })).toBeVisible();

  const newArtifact = page.getByRole('button', { name: 'New artifact', exact: true });
  let tabs = 0;
  const focused = () =>
    newArtifact.evaluate(
      (button) =>
        button ===
        (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement,
    );
  while (!(await focused())) {
    await page.keyboard.press('Tab');
    tabs += 1;
    expect(tabs, 'Tab presses to reach "New artifact"').toBeLessThan(30);
  }
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New artifact' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Name' })).toBeFocused();

  // Escape closes it and gives focus back to the button that opened it.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(newArtifact).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('textbox', { name: 'Name' })).toBeFocused();
  await page.keyboard.type('keyboard-only');
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('list', { name: 'Artifacts' }).getByText('keyboard-only', { exact: true }),
  ).toBeVisible();
});
