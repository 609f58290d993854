// Injected into the CommonJS bundle of the command (bundle-cli.mjs), where `__filename` and
// `__dirname` exist: import.meta of the sources becomes that of the bundle file.
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

export const importMetaUrl = pathToFileURL(__filename).href;
export const importMetaDirname = __dirname;
export const importMetaResolve = (specifier) =>
  pathToFileURL(createRequire(__filename).resolve(specifier)).href;
