// The renderer build: one bundle for the Electron window (app://) and the browser dashboard
// (http://127.0.0.1). Relative asset URLs ('./') work under both schemes. No node:* imports
// here: the lint rule for src-renderer forbids them, and import.meta.dirname is enough.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte({ configFile: `${here}/svelte.config.js` })],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    // Nothing inlined as data: or inline script: the CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
  },
});
