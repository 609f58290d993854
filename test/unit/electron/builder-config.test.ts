// electron-builder.yml is checked the way electron-builder checks it before packaging (its
// own schema), so a typo fails npm test instead of a release build; and the files it names
// are there.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const require = createRequire(path.join(root, 'package.json'));

type Config = Record<string, unknown> & {
  icon?: string;
  files?: string[];
  extraMetadata?: { main?: string };
  asarUnpack?: string[];
};

// electron-builder's own loader and validator (app-builder-lib comes with electron-builder).
const { getConfig, validateConfiguration } =
  require('app-builder-lib/out/util/config/config.js') as {
    getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>;
    validateConfiguration(config: Config, debugLogger: unknown): Promise<void>;
  };
const { DebugLogger } = require('builder-util') as { DebugLogger: new (on: boolean) => unknown };

const validate = (config: Config) => validateConfiguration(config, new DebugLogger(false));
const fileConfig = () =>
  parse(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Config;

describe('electron-builder.yml', () => {
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

  it('keeps the native modules out of the asar archive', () => {
    const unpacked = fileConfig().asarUnpack ?? [];
    expect(unpacked.some((glob) => glob.includes('better-sqlite3'))).toBe(true);
    expect(unpacked.some((glob) => glob.includes('@napi-rs/keyring'))).toBe(true);
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
      expect.arrayContaining(['resources/icon.png', 'resources/tray.png', 'resources/tray@2x.png']),
    );
    for (const file of named) expect(existsSync(path.join(root, file)), file).toBe(true);
  });
});
