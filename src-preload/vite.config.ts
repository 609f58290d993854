// The preload build: src-preload/index.ts as ONE CommonJS file, dist/preload/index.cjs. A
// sandboxed preload can require only 'electron' (kept external); the contract's names
// (contract-names.ts) are bundled in, and nothing else: about 2 KB. Not minified: it is
// small, read by the security scan, and easier to audit.
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  build: {
    outDir: `${here}/../dist/preload`,
    // dist/ also holds the engine and the renderer builds.
    emptyOutDir: false,
    minify: false,
    sourcemap: false,
    target: 'chrome140',
    lib: {
      entry: `${here}/index.ts`,
      formats: ['cjs'],
      fileName: () => 'index.cjs',
    },
    rollupOptions: {
      external: ['electron'],
    },
  },
});
