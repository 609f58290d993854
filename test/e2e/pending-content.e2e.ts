// A binary whose file is still being sent in the read that hashes it holds a placeholder hash
// (that of no bytes) until its content is declared: the Binaries view says "not declared yet"
// for it and offers no copy of the placeholder, while a declared binary beside it shows its
// hash and the copy button.
import { binaryRow, cellOf } from './desk-ui.js';
import { sha256Hex } from './admin-api.js';
import { expect, test } from './fixtures.js';

const NO_BYTES_HASH = sha256Hex('');

test('shows a binary whose content is not declared yet as such, not with a placeholder hash', async ({
  desk,
  peridio,
}) => {
  const { page } = desk;
  const { api } = peridio;
  const artifact = await api.createArtifact('streamed-firmware');
  const version = await api.createVersion(artifact.prn, '1.0.0');
  const streaming = 'aarch64-unknown-linux-gnu';
  await api.expect(201, 'POST', '/binaries', {
    artifact_version_prn: version.prn,
    target: streaming,
    hash: NO_BYTES_HASH,
    size: 8 * 1024 * 1024,
  });
  const declared = await api.createBinary(
    version.prn,
    'x86_64-unknown-linux-gnu',
    Buffer.from('x'),
  );

  await desk.open();
  await desk.goToVersion(version.prn);
  const pendingHash = cellOf(binaryRow(page, streaming), 'Hash');
  await expect(pendingHash).toHaveText('not declared yet');
  await expect(pendingHash.getByRole('button')).toHaveCount(0);
  const realHash = cellOf(binaryRow(page, 'x86_64-unknown-linux-gnu'), 'Hash');
  await expect(realHash.locator('code')).toHaveAttribute('title', declared.hash);
  await expect(
    realHash.getByRole('button', { name: 'Copy hash of x86_64-unknown-linux-gnu' }),
  ).toBeVisible();
});
