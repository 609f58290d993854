// The steps a person takes in Peridio Desk, by the accessible names and roles the UI spec
// fixes (/tmp/ui-spec.md → src-renderer), so every spec reads as a user story and a renamed
// control fails in one obvious place.
import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';

export const BINARY_COLUMNS = [
  'Target',
  'State',
  'Size',
  'Hash',
  'Uploaded',
  'Signatures',
  'Updated',
  'Actions',
] as const;

/** A list entry's control: the spec allows a link or a button, named exactly `name`. */
export function choice(scope: Locator, name: string): Locator {
  return scope
    .getByRole('link', { name, exact: true })
    .or(scope.getByRole('button', { name, exact: true }));
}

export async function goToSection(
  page: Page,
  section: 'Artifacts' | 'Uploads' | 'Signing keys' | 'Profiles' | 'Watch folders',
): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: section, exact: true })
    .click();
  await expect(page.getByRole('heading', { name: section, exact: true })).toBeVisible();
}

/** Creates a signing key in the Signing keys view and waits for it in the list. */
export async function createSigningKey(page: Page, name: string): Promise<Locator> {
  await goToSection(page, 'Signing keys');
  await page.getByRole('button', { name: 'Create key', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Create key' });
  await dialog.getByRole('textbox', { name: 'Key name' }).fill(name);
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(dialog).toBeHidden();
  const item = page
    .getByRole('list', { name: 'Signing keys' })
    .getByRole('listitem')
    .filter({ hasText: name });
  await expect(item).toBeVisible();
  return item;
}

/** From the Artifacts view: a new artifact, a new version of it, and its binaries view. */
export async function createArtifactAndVersion(
  page: Page,
  artifactName: string,
  version: string,
): Promise<void> {
  await goToSection(page, 'Artifacts');
  await page.getByRole('button', { name: 'New artifact', exact: true }).click();
  const artifactDialog = page.getByRole('dialog', { name: 'New artifact' });
  await artifactDialog.getByRole('textbox', { name: 'Name', exact: true }).fill(artifactName);
  await artifactDialog
    .getByRole('textbox', { name: 'Description' })
    .fill('Gateway firmware, made by the e2e run');
  await artifactDialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(artifactDialog).toBeHidden();

  await choice(page.getByRole('list', { name: 'Artifacts' }), artifactName).click();
  await expect(page.getByRole('heading', { name: `Versions of ${artifactName}` })).toBeVisible();
  await page.getByRole('button', { name: 'New version', exact: true }).click();
  const versionDialog = page.getByRole('dialog', { name: 'New version' });
  await versionDialog.getByRole('textbox', { name: 'Version', exact: true }).fill(version);
  await versionDialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(versionDialog).toBeHidden();

  await choice(page.getByRole('list', { name: 'Versions' }), version).click();
  // The PRN may be percent-encoded in the route (colons as %3A); either reads the same.
  await expect
    .poll(() => decodeURIComponent(new URL(page.url()).hash))
    .toMatch(/^#\/versions\/prn:1:[0-9a-f-]+:artifact_version:[0-9a-f-]+$/);
  await expect(
    page.getByRole('heading', { name: `Binaries of ${artifactName} ${version}` }),
  ).toBeVisible();
}

/** The artifact version PRN of the binaries view on screen, from its route. */
export function versionPrnOf(page: Page): string {
  const prn = /#\/versions\/(.+)$/.exec(page.url())?.[1];
  if (!prn) throw new Error(`not on a binaries view: ${page.url()}`);
  return decodeURIComponent(prn);
}

export function binariesTable(page: Page): Locator {
  return page
    .getByRole('table', { name: 'Binaries' })
    .or(page.getByRole('grid', { name: 'Binaries' }));
}

/** The row whose first cell is exactly `target`. */
export function binaryRow(page: Page, target: string): Locator {
  return binariesTable(page)
    .getByRole('row')
    .filter({
      has: page
        .getByRole('cell', { name: target, exact: true })
        .or(page.getByRole('rowheader', { name: target, exact: true })),
    });
}

/** A row's cell under the column header `column`. */
export function cellOf(row: Locator, column: (typeof BINARY_COLUMNS)[number]): Locator {
  return row.locator('td, th').nth(BINARY_COLUMNS.indexOf(column));
}

/** The state a row shows: the current lifecycle step, or "destroyed". */
export function stateOf(row: Locator): Locator {
  return cellOf(row, 'State')
    .locator('[aria-current="step"]')
    .or(cellOf(row, 'State').getByText('destroyed', { exact: true }));
}

export function uploadJob(page: Page, fileName: string): Locator {
  return page
    .getByRole('list', { name: 'Upload jobs' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('progressbar', { name: `${fileName} progress` }) });
}

/** Picks `filePath` with the drop zone's file input, as the file chooser would. */
export async function chooseFileToUpload(page: Page, filePath: string | string[]): Promise<void> {
  await page
    .getByLabel('Choose files to upload')
    .and(page.locator('input[type="file"]'))
    .setInputFiles(filePath);
}

export function uploadDialog(page: Page, fileName: string): Locator {
  return page.getByRole('dialog', { name: `Upload ${fileName}` });
}

interface DropGlobals {
  DataTransfer: new () => { items: { add(file: unknown): unknown } };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  atob(base64: string): string;
}

/**
 * Drops a file on `zone` the way a browser delivers a drop from the desktop: dragenter,
 * dragover, drop, each carrying a DataTransfer with the file. Built in the page, so only for
 * small files (the bytes cross as base64); big ones go through `chooseFileToUpload`.
 */
export async function dropFile(
  page: Page,
  zone: Locator,
  name: string,
  bytes: Buffer,
): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    ({ fileName, base64 }) => {
      const w = globalThis as unknown as DropGlobals;
      const binary = w.atob(base64);
      const content = Uint8Array.from(binary, (char) => char.charCodeAt(0));
      const transfer = new w.DataTransfer();
      transfer.items.add(new w.File([content], fileName, { type: 'application/octet-stream' }));
      return transfer;
    },
    { fileName: name, base64: bytes.toString('base64') },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await zone.dispatchEvent(type, { dataTransfer });
  }
  await dataTransfer.dispose();
}
