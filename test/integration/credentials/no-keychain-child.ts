// Run as its own process by vault-unavailable.test.ts with a session bus that does not
// exist: reports (as one JSON line) what the keychain and the environment route do then.
import { KeyringVault, resolveConnection } from '../../../src-main/credentials/index.js';

const vault = new KeyringVault({ service: process.argv[2] ?? 'peridio-desk-test-no-keychain' });

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (error) {
    const { name, message, code } = error as Error & { code?: string };
    return { error: { name, message, code } };
  }
}

const report = {
  probe: await vault.probe(),
  set: await outcome(() => vault.set('api-key:ci', 'secret-api-key-value')),
  get: await outcome(() => vault.get('api-key:ci')),
  environment: await outcome(async () =>
    (
      await resolveConnection({
        profiles: { currentProfileName: () => null, getProfile: () => undefined },
        vault,
        env: { PERIDIO_API_KEY: 'env-key', PERIDIO_BASE_URL: 'https://peridio.ci.example' },
        localWorkspace: () => ({ baseUrl: 'http://127.0.0.1:1', apiKey: 'x' }),
      })
    ).toJSON(),
  ),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
