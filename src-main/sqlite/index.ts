export { migrate } from './migrate.js';
export {
  ELECTRON_BUILDS_DIR,
  betterSqlitePackageDir,
  electronSqliteBindingPath,
  sqliteNativeBinding,
  type BindingFacts,
  type ElectronTarget,
} from './native-binding.js';
export { openSnapshot, openSqlite } from './open-database.js';
export { salvageRows, type SqliteValue } from './salvage-rows.js';
