// The door of the settings room: the app's folders, profiles, signing key records,
// preferences and watch rules in the settings file (conf, or electron-store in the desktop
// app), the watch rules' schema (shared with rules files), the pairing of those with their
// secrets in the keychain, and the import of the Peridio CLI's settings.
export { defaultDataDir, localWorkspaceDir } from '../app-paths/index.js';
export {
  brokenSettingsStandIn,
  moveBrokenSettingsAside,
  openBackendOrExplain,
  openSettings,
} from './open-settings.js';
export type { OpenSettingsOptions } from './open-settings.js';
export { openConfBackend, SETTINGS_FILE_NAME, SETTINGS_STORE_OPTIONS } from './settings-backend.js';
export type { SettingsBackend } from './settings-backend.js';
export { SettingsStore } from './settings-store.js';
export type {
  Preferences,
  Profile,
  ProfileChanges,
  ProfileInput,
  ReplaceOption,
  SigningKeyRecord,
  SigningKeyRecordInput,
} from './settings-store.js';
export { DEFAULT_PREFERENCES, NAME_RULE, nameProblem } from './settings-schema.js';
export {
  describeRuleProblems,
  ruleProblemsOf,
  watchRuleListSchema,
  watchRuleSchema,
} from './watch-rule-schema.js';
export type { WatchRule, WatchRuleProblem } from './watch-rule-schema.js';
export { SettingsError, SettingsFileError } from './settings-errors.js';
export type { SettingsErrorCode, SettingsErrorData, SettingsProblem } from './settings-errors.js';
export { saveProfile, forgetProfile, hasApiKey } from './profile-credentials.js';
export type { CredentialStores, SaveProfileOptions } from './profile-credentials.js';
export { setProfileProxy, hasProxyPassword } from './proxy-credentials.js';
export type { ProxyInput } from './proxy-credentials.js';
export {
  storeSigningKey,
  createSigningKey,
  loadSigningKey,
  forgetSigningKey,
} from './signing-key-credentials.js';
export type {
  CreateSigningKeyInput,
  LoadedSigningKey,
  StoreSigningKeyInput,
} from './signing-key-credentials.js';
export { peridioCliConfigDir } from './peridio-cli-paths.js';
export { importPeridioCliSettings } from './peridio-cli-import.js';
export type {
  ImportedProfile,
  ImportedSigningKey,
  PeridioCliImportOptions,
  PeridioCliImportReport,
} from './peridio-cli-import.js';
export type { CliImportKind, CliImportSkip } from './peridio-cli-files.js';
