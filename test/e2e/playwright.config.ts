// The end-to-end run: the built dashboard face (`npm run build` first) in Chromium, one test
// at a time (each starts its own local Peridio server and dashboard, and the machine has two
// cores). The JSON report is what test/run.mjs counts.
import path from 'node:path';
import { defineConfig } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');
const outputDir = path.join(root, 'test-results/e2e');

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: '*.e2e.ts',
  outputDir,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  // Most stories take seconds; the 1 GiB upload sets its own, longer limit.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [
    ['list'],
    [
      'json',
      {
        outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? path.join(outputDir, 'report.json'),
      },
    ],
  ],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
    actionTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
