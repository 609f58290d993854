// Story: a person whose office reaches the internet only through an HTTP proxy gives a
// profile its proxy in the Profiles view. A URL the app cannot use is explained next to the
// field; a good one with a password typed apart is saved, shown without the password (with
// a note that it is in the keychain), and the settings file never holds it; the proxy can be
// removed again. The upload through a real proxy is its own story.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { goToSection } from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';

test.use({ deskWorkspace: 'embedded' });

const PASSWORD = 'e2e-pr0xy-pw';

test("sets, shows and removes a profile's proxy", async ({ desk, peridio, workDir }) => {
  const { page } = desk;
  await desk.open();
  await desk.command('profiles.add', {
    name: 'office',
    baseUrl: peridio.url,
    apiKey: peridio.apiKey,
  });
  await goToSection(page, 'Profiles');
  const card = page
    .getByRole('list', { name: 'Profiles' })
    .getByRole('listitem')
    .filter({ hasText: 'office' });
  await expect(card).toContainText('No proxy');

  await card.getByRole('button', { name: 'Proxy for office', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Proxy for office' });
  const proxyUrl = dialog.getByRole('textbox', { name: 'Proxy URL' });
  const password = dialog.getByLabel('Proxy password');
  await expect(password).toHaveAttribute('type', 'password');

  await proxyUrl.fill('socks5://proxy.corp.example:1080');
  await dialog.getByRole('button', { name: 'Save proxy', exact: true }).click();
  await expect(proxyUrl).toHaveAccessibleDescription(
    /the proxy URL must start with http:\/\/ or https:\/\/ \(socks5 proxies are not supported\)/,
  );
  await expect(proxyUrl).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toBeVisible();
  await screenshot(page, 'profile-proxy-refused');

  await proxyUrl.fill('http://alice@proxy.corp.example:3128');
  await password.fill(PASSWORD);
  await dialog.getByRole('button', { name: 'Save proxy', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText('Proxy http://alice@proxy.corp.example:3128');
  await expect(card).toContainText('password saved in keychain');
  await expect(page.locator('body')).not.toContainText(PASSWORD);
  await screenshot(page, 'profile-proxy', { dark: true });

  expect(await desk.command('profiles.list')).toEqual([
    expect.objectContaining({
      name: 'office',
      proxyUrl: 'http://alice@proxy.corp.example:3128',
      hasProxyPassword: true,
    }),
  ]);
  const settings = await readFile(path.join(workDir, 'desk', 'config.json'), 'utf8');
  expect(settings).toContain('http://alice@proxy.corp.example:3128');
  expect(settings).not.toContain(PASSWORD);

  // Opened again: the URL without the password, the password field empty, the saved one kept.
  await card.getByRole('button', { name: 'Proxy for office', exact: true }).click();
  await expect(proxyUrl).toHaveValue('http://alice@proxy.corp.example:3128');
  await expect(password).toHaveValue('');
  await expect(dialog).toContainText('A password is saved in this computer');
  await dialog.getByRole('button', { name: 'Remove proxy', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(card).toContainText('No proxy');
  expect(await desk.command('profiles.list')).toEqual([
    expect.objectContaining({ name: 'office', hasProxyPassword: false }),
  ]);
});
