// A machine with no reachable keychain (here: a session bus address that leads nowhere):
// one clear error that explains the environment-variable route, nothing stored anywhere
// else, and the environment route itself still working.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO_ROOT } from '../local-peridio/helpers.js';

function runWithoutKeychain(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(import.meta.dirname, 'no-keychain-child.ts'),
        `peridio-desk-test-${process.pid}`,
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// The session bus is how Linux reaches its keychain; other systems ignore the variable.
test.runIf(process.platform === 'linux')(
  'without a reachable keychain every operation fails with VaultUnavailableError explaining PERIDIO_API_KEY',
  async () => {
    const { code, stdout, stderr } = await runWithoutKeychain();
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);

    expect(report.probe.available).toBe(false);
    expect(report.probe.reason).toMatch(/D-?Bus/i);
    for (const operation of [report.set, report.get]) {
      expect(operation.error.name).toBe('VaultUnavailableError');
      expect(operation.error.code).toBe('vault_unavailable');
      expect(operation.error.message).toContain('No OS keychain is reachable');
      expect(operation.error.message).toContain('PERIDIO_API_KEY');
      expect(operation.error.message).toContain('--signing-key-private FILE --signing-key-prn PRN');
      expect(operation.error.message).not.toContain('secret-api-key-value');
    }
    expect(stdout + stderr).not.toContain('secret-api-key-value');

    expect(report.environment.ok).toEqual({
      profileName: null,
      baseUrl: 'https://peridio.ci.example',
      apiKey: '[redacted]',
      apiVersion: 2,
      source: 'environment',
    });
  },
);
