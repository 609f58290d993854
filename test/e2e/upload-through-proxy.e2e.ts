// Story: a person in an office whose only way out is an HTTP proxy that wants a password. The
// Peridio server answers only through that proxy (a real tinyproxy, the server in a network
// namespace of its own). In the Profiles view they add a profile with the proxy's URL and its
// password, use it, make an artifact and a version, and upload a build output: every request,
// the parts included, goes through the proxy, and the password is shown nowhere.
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import {
  serverBehindProxySkipReason,
  startServerBehindProxy,
  type ServerBehindProxy,
} from '../integration/network/server-behind-proxy.js';
import {
  chooseFileToUpload,
  createArtifactAndVersion,
  goToSection,
  uploadDialog,
  uploadJob,
  versionPrnOf,
} from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';
import { ELF_TARGETS, MiB, writeElfFile } from './test-files.js';

test.use({ deskWorkspace: 'embedded' });

const PASSWORD = 'office-pr0xy-pw';
const skipReason = serverBehindProxySkipReason();

test('uploads through the proxy a profile names, its password in the keychain', async ({
  desk,
  workDir,
}) => {
  test.skip(skipReason !== undefined, `needs a network namespace and tinyproxy: ${skipReason}`);
  test.setTimeout(180_000);
  const { page } = desk;
  let h: ServerBehindProxy | undefined;
  try {
    h = await startServerBehindProxy({ proxyCredentials: { user: 'desk', password: PASSWORD } });
    const proxyUrl = `http://desk@${new URL(h.proxy.url).host}`;
    const filesDir = path.join(workDir, 'files');
    await mkdir(filesDir);
    const file = await writeElfFile(filesDir, 'office-aarch64.bin', 24 * MiB, 'aarch64');

    await desk.open();
    await goToSection(page, 'Profiles');
    await page.getByRole('button', { name: 'Add profile', exact: true }).click();
    const add = page.getByRole('dialog', { name: 'Add profile' });
    await add.getByRole('textbox', { name: 'Profile name' }).fill('office');
    await add.getByRole('textbox', { name: 'Base URL' }).fill(h.serverUrl);
    await add.getByLabel('API key').fill(h.apiKey);
    await add.getByRole('textbox', { name: 'Proxy URL (optional)' }).fill(proxyUrl);
    await add.getByLabel('Proxy password (optional)').fill(PASSWORD);
    await add.getByRole('button', { name: 'Add profile', exact: true }).click();
    await expect(add).toBeHidden({ timeout: 30_000 });

    const card = page
      .getByRole('list', { name: 'Profiles' })
      .getByRole('listitem')
      .filter({ hasText: 'office' });
    await expect(card).toContainText(`Proxy ${proxyUrl}`);
    await expect(card).toContainText('password saved in keychain');
    await card.getByRole('button', { name: 'Use office', exact: true }).click();
    await expect(page.getByRole('banner')).toContainText(h.serverUrl, { timeout: 30_000 });
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online');

    await createArtifactAndVersion(page, 'office-firmware', '2.0.0');
    const versionPrn = versionPrnOf(page);
    await chooseFileToUpload(page, file.path);
    const dialog = uploadDialog(page, file.name);
    await expect(dialog.getByRole('textbox', { name: 'Target' })).toHaveValue(
      ELF_TARGETS.aarch64.target,
    );
    await dialog.getByRole('button', { name: 'Queue upload', exact: true }).click();
    await expect(dialog).toBeHidden();

    await goToSection(page, 'Uploads');
    const job = uploadJob(page, file.name);
    await expect(job).toContainText('Done', { timeout: 120_000 });
    await screenshot(page, 'upload-through-proxy');
    await expect(page.locator('body')).not.toContainText(PASSWORD);

    const proxied = await h.proxy.requests();
    const partPuts = proxied.filter((r) => r.method === 'PUT' && r.target.includes('/presigned/'));
    expect(partPuts.length, 'the three parts went through the proxy').toBeGreaterThanOrEqual(3);
    expect(proxied).toEqual(
      expect.arrayContaining([
        { method: 'POST', target: `${h.serverUrl}/binaries` },
        { method: 'POST', target: `${h.serverUrl}/artifact_versions` },
      ]),
    );
    const binaries = (await desk.command('binaries.list', { artifactVersionPrn: versionPrn })) as {
      items: { target: string; state: string }[];
    };
    expect(binaries.items).toEqual([
      expect.objectContaining({ target: ELF_TARGETS.aarch64.target, state: 'signable' }),
    ]);
  } finally {
    await h?.stop();
  }
});
