// Story 5: working in the embedded local workspace, a person adds a profile for a Peridio
// server with a wrong API key. The server's 403 is explained in the dialog (its words, the
// HTTP status and the request id the server logged), nothing typed is lost, and no profile is
// kept; with the right key the same dialog adds it, and using it switches the workspace.
import { goToSection } from './desk-ui.js';
import { expect, screenshot, test } from './fixtures.js';

test.use({ deskWorkspace: 'embedded' });

test('explains a 403 for a bad API key and keeps what was typed', async ({ desk, peridio }) => {
  const { page } = desk;
  await desk.open();
  const banner = page.getByRole('banner');
  await expect(banner).toContainText('Local workspace');
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online');

  await goToSection(page, 'Profiles');
  await page.getByRole('button', { name: 'Add profile', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Add profile' });
  const name = dialog.getByRole('textbox', { name: 'Profile name' });
  const baseUrl = dialog.getByRole('textbox', { name: 'Base URL' });
  const apiKey = dialog.getByRole('textbox', { name: 'API key', exact: true });
  await name.fill('staging');
  await baseUrl.fill(peridio.url);
  await apiKey.fill('not-the-key');
  await expect(apiKey).toHaveAttribute('type', 'password');
  await dialog.getByRole('button', { name: 'Add profile', exact: true }).click();

  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText('HTTP 403');
  await expect(alert).toContainText(/forbidden/i);
  // The access log line is written as the answer goes out, so it may trail the alert a little.
  const refusedRequests = async () =>
    (await peridio.accessLog()).filter(
      (entry) => entry.path === '/users/me' && entry.status === 403,
    );
  await expect.poll(async () => (await refusedRequests()).length).toBe(1);
  const [refused] = await refusedRequests();
  await expect(alert).toContainText(`Request id: ${refused!.request_id}`);
  await expect(name).toHaveValue('staging');
  await expect(baseUrl).toHaveValue(peridio.url);
  await expect(apiKey).toHaveValue('not-the-key');
  await screenshot(page, 'profile-403', { dark: true });
  expect(await desk.command('profiles.list'), 'no profile was kept').toEqual([]);

  await apiKey.fill(peridio.apiKey);
  await dialog.getByRole('button', { name: 'Add profile', exact: true }).click();
  await expect(dialog).toBeHidden();
  const profiles = page.getByRole('list', { name: 'Profiles' });
  await expect(profiles.getByRole('listitem').filter({ hasText: 'staging' })).toContainText(
    peridio.url,
  );
  await expect(banner).toContainText('Local workspace');

  // Using it points the whole app at that server.
  await page.getByRole('button', { name: 'Use staging', exact: true }).click();
  await expect(banner).toContainText('Profile staging');
  await expect(banner).toContainText(peridio.url);
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText('Online');
});
