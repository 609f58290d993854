import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        // Compiles the renderer's runes modules (`*.svelte.ts`) so their state classes are
        // tested like any other module.
        plugins: [svelte({ configFile: false })],
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own servers and processes; two cores, so keep it modest.
          maxWorkers: 2,
        },
      },
    ],
  },
});
