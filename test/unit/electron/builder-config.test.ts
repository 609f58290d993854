// electron-builder.yml is checked the way electron-builder checks it before packaging (its
// own schema), so a typo fails npm test instead of a release build; and the files it names
// are there.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const require = createRequire(path.join(root, 'package.json'));

type Config = Record<string, unknown> & {
  icon?: string;
  files?: string[];
  extraMetadata?: { main?: string; desktopName?: string };
  asarUnpack?: string[];
  npmRebuild?: boolean;
  beforePack?: string;
  linux?: Record<string, unknown> & { executableName?: string; syncDesktopName?: boolean };
};

// electron-builder's own loader and validator (app-builder-lib comes with electron-builder).
const { getConfig, validateConfiguration } =
  require('app-builder-lib/out/util/config/config.js') as {
    getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>;
    validateConfiguration(config: Config, debugLogger: unknown): Promise<void>;
  };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (on: boolean) => unknown };

/** The workers the engine starts, as named in its `workerEntry('…')` calls. */
function workerEntries(): string[] {
  const dir = path.join(root, 'src-main', 'upload');
  const names = new Set<string>();
  for (const file of readdirSync(dir)) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const match of text.matchAll(/workerEntry\('([a-z-]+)'\)/g)) names.add(match[1]!);
  }
  return [...names];
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * Every file of the built engine that `entries` import, and each package they import (as its
 * package.json, with the packages it depends on), relative to the project root.
 */
function importClosure(entries: string[]): Set<string> {
  const seen = new Set<string>();
  const builtins = new Set(builtinModules);
  const addPackage = (name: string) => {
    const manifest = `node_modules/${name}/package.json`;
    if (seen.has(manifest)) return;
    seen.add(manifest);
    const json = JSON.parse(readFileSync(path.join(root, manifest), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(json.dependencies ?? {})) addPackage(dependency);
  };
  const addFile = (file: string) => {
    if (seen.has(file)) return;
    const full = path.join(root, file);
    expect(existsSync(full), `${file} (run npm run build first)`).toBe(true);
    seen.add(file);
    for (const match of readFileSync(full, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) {
        addFile(path.relative(root, path.resolve(path.dirname(full), specifier)));
      } else if (!specifier.startsWith('node:') && !builtins.has(specifier)) {
        const parts = specifier.split('/');
        addPackage(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
  };
  for (const entry of entries) addFile(entry);
  return seen;
}

const validate = (config: Config) => validateConfiguration(config, new DebugLogger(false));
const fileConfig = () =>
  parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Config;

// electron-builder's config loader and validator take seconds to load on a busy machine.
describe('electron-builder.yml', { timeout: 30_000 }, () => {
  it('passes electron-builder’s own validation, loaded as electron-builder loads it', async () => {
    const config = await getConfig(root, null, null);
    expect(config.appId).toBe('com.peridio.desk');
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('would be refused with an unknown key, named in the message', async () => {
    await expect(validate({ ...fileConfig(), appIdd: 'typo' })).rejects.toThrow(
      /unknown property 'appIdd'/,
    );
    await expect(
      validate({ ...fileConfig(), linux: { target: ['AppImage'], categry: 'Development' } }),
    ).rejects.toThrow(/configuration\.linux/);
  });

  it('starts the packaged app on the built desktop main process', () => {
    const config = fileConfig();
    expect(config.extraMetadata?.main).toBe('dist/src-main/electron/main.js');
    expect(config.files).toContain('dist/**');
  });

  it('sets the Electron fuses that close the packaged app to Node, inspectors and other code', () => {
    expect(fileConfig().electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    });
  });

  it('keeps the native modules out of the asar archive', () => {
    const unpacked = fileConfig().asarUnpack ?? [];
    expect(unpacked.some((glob) => glob.includes('better-sqlite3'))).toBe(true);
    expect(unpacked.some((glob) => glob.includes('@napi-rs/keyring'))).toBe(true);
  });

  it('never rebuilds node_modules in place, and builds Electron’s SQLite addon beside it', () => {
    const config = fileConfig();
    expect(config.npmRebuild).toBe(false);
    expect(config.beforePack).toBe('./scripts/electron-builder-before-pack.mjs');
    expect(existsSync(path.join(root, config.beforePack ?? 'missing'))).toBe(true);
  });

  it('installs the GUI under its own name, owning its .desktop file', () => {
    const config = fileConfig();
    const cli = Object.keys(
      (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: object }).bin,
    );
    expect(cli).toContain('peridio-desk');
    expect(cli).not.toContain(config.linux?.executableName);
    expect(config.extraMetadata?.desktopName).toBe(`${config.linux?.executableName}.desktop`);
    expect(config.linux?.syncDesktopName).toBe(true);
  });

  it('unpacks every file and package a worker thread imports (its loader cannot read asar)', () => {
    const unpacked = picomatch(fileConfig().asarUnpack ?? [], { dot: true });
    const workers = workerEntries();
    expect(workers.length).toBeGreaterThanOrEqual(2);
    const closure = importClosure(workers.map((name) => `dist/src-main/upload/${name}.js`));
    const packed = [...closure].filter((file) => !unpacked(file));
    expect(packed).toEqual([]);
    expect(closure.has('node_modules/xstate/package.json')).toBe(true);
  });

  it('names icon files that exist: the app icon at least 512x512, the tray icons', () => {
    const config = fileConfig();
    const icon = path.join(root, config.icon ?? 'missing');
    expect(existsSync(icon)).toBe(true);
    const png = readFileSync(icon);
    // PNG header: width and height are the big-endian words at bytes 16 and 20.
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    const named = (config.files ?? []).filter((file) => file.startsWith('resources/'));
    expect(named).toEqual(
      expect.arrayContaining([
        'resources/icon.png',
        'resources/tray.png',
        'resources/tray@2x.png',
        'resources/trayTemplate.png',
        'resources/trayTemplate@2x.png',
      ]),
    );
    for (const file of named) expect(existsSync(path.join(root, file)), file).toBe(true);
  });
});
