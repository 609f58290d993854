// Types of electron-sqlite.mjs, for the tests (the project does not typecheck .mjs files).
export declare function prepareElectronSqlite(target: {
  electronVersion: string;
  platform: string;
  arch: string;
  onOutput?: 'inherit' | 'pipe';
  onBuildStart?: () => void;
}): Promise<{ built: boolean; file: string }>;
