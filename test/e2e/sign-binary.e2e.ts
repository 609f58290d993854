// A person imports the private key the Peridio CLI keeps (PKCS#8 PEM) and signs a binary the
// server has verified: the row turns signed with the key's name, and the server holds a
// signature by that key. Importing a second key under the same name is refused, in words.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { binaryRow, cellOf, goToSection, stateOf } from './desk-ui.js';
import { expect, test } from './fixtures.js';

test('imports a PEM signing key and signs a verified binary with it', async ({ desk, peridio }) => {
  const { page } = desk;
  const { api } = peridio;
  const target = 'thumbv7em-none-eabihf';
  const artifact = await api.createArtifact('modem-firmware');
  const version = await api.createVersion(artifact.prn, '1.0.0');
  const content = randomBytes(64 * 1024);
  const binary = await api.createBinary(version.prn, target, content);
  await api.uploadContent(binary, content);
  await api.hashToSignable(binary.prn);
  const keyName = `imported-key-${Date.now()}`;
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const publicValue = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);

  await desk.open();
  await goToSection(page, 'Signing keys');
  const importKey = async () => {
    await page.getByRole('button', { name: 'Import key', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Import key' });
    await dialog.getByRole('textbox', { name: 'Key name' }).fill(keyName);
    await dialog.getByRole('textbox', { name: 'Private key (PEM)' }).fill(pem);
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    return dialog;
  };
  await expect(await importKey()).toBeHidden();
  const registered = (await api.listAll('/signing_keys', 'signing_keys')).find(
    (key: { value: string }) => key.value === publicValue.toString('base64'),
  );
  expect(registered, 'the imported key is registered on the server').toBeDefined();
  await expect(
    page.getByRole('list', { name: 'Signing keys' }).getByRole('listitem').filter({
      hasText: keyName,
    }),
  ).toContainText(registered.keyid);

  const again = await importKey();
  await expect(again.getByRole('alert')).toContainText(`"${keyName}" already exists`);
  await again.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(again).toBeHidden();

  await desk.goToVersion(version.prn);
  const row = binaryRow(page, target);
  await expect(stateOf(row)).toHaveText('signable');
  await page.getByRole('button', { name: `Sign ${target}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Sign binary' });
  await dialog.getByRole('combobox', { name: 'Signing key' }).selectOption({ label: keyName });
  await dialog.getByRole('button', { name: 'Sign binary', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(stateOf(row)).toHaveText('signed');
  await expect(cellOf(row, 'Signatures')).toContainText(keyName);

  const signed = await api.getBinary(binary.prn);
  expect(signed.state).toBe('signed');
  expect(signed.signatures).toEqual([
    expect.objectContaining({ signing_key_prn: registered.prn, keyid: registered.keyid }),
  ]);
});
