// What every command handler gets: its checked input and the service's rooms.
import type {
  CheckedInput,
  SigningKeyChoice,
  CommandName,
  CommandResult,
  PreferencesView,
  WorkspaceInfo,
} from '../../../src-preload/contract.js';
import type { PeridioClient } from '../../peridio/index.js';
import type { CredentialStores } from '../../settings/index.js';
import type { WatchRunner } from '../../watch/index.js';
import type { CheckedSigningKey } from '../signing-key-check.js';
import type { UploadEngine } from '../upload-engine.js';

export interface DeskContext {
  stores: CredentialStores;
  /** Where PERIDIO_* and the Peridio CLI's folder are read from. */
  env: NodeJS.ProcessEnv;
  engine(): UploadEngine;
  client(): PeridioClient;
  workspace(): WorkspaceInfo;
  /** The workspace's watch folders (their agent runs while the queue does). */
  watch(): WatchRunner;
  /** Opens the workspace again (after the current profile changed) and tells the faces;
   * when that fails, `undo` restores the settings and the previous workspace is reopened. */
  reopenWorkspace(undo?: () => void): Promise<WorkspaceInfo>;
  /** The workspace's organization PRN, undefined while it cannot be asked (offline). */
  organizationPrn(): Promise<string | undefined>;
  /** Resolves a signing key and checks it (keychain, PEM, registration, organization). */
  checkSigningKey(ref: SigningKeyChoice): Promise<CheckedSigningKey>;
  /** False until a face's first command that needs the workspace (`openWorkspace: 'when-needed'`). */
  isWorkspaceOpen(): boolean;
  /** The preferences as the faces show them, with the bandwidth cap in force. */
  preferences(): PreferencesView;
  /** After a change of the preferences: applies them to the running engine, tells every face,
   * and answers them. */
  preferencesChanged(): PreferencesView;
}

export type Handler<N extends CommandName> = (
  input: CheckedInput<N>,
  context: DeskContext,
) => Promise<CommandResult<N>>;

export type HandlerMap<K extends CommandName> = { [N in K]: Handler<N> };
