// The engine's single entry: every face (desktop IPC, dashboard WebSocket, tests) calls
// commands by name and listens to events, as the contract in src-preload/contract.ts says.
// Each input is checked with the contract's schema before anything is done; a refused input
// changes nothing. Failures come back in the contract's error shape, with the server's words,
// status and request id.
import type { SystemProxyResolver } from '../network/index.js';
import {
  checkCommandInput,
  isCommandName,
  parseRate,
  type CommandInput,
  type CommandName,
  type CommandReply,
  type CommandResult,
  type DeskEvent,
  type WorkspaceInfo,
} from '../../src-preload/contract.js';
import { KeyringVault, type SecretVault } from '../credentials/index.js';
import {
  openEngineLog,
  type EngineLog,
  type EngineLogOptions,
  type EngineLogger,
} from '../logging/index.js';
import {
  brokenSettingsStandIn,
  defaultDataDir,
  openSettings,
  SettingsFileError,
  SettingsStore,
  type SettingsBackend,
  type WatchRule,
} from '../settings/index.js';
import { readEnvironmentOverrides } from '../credentials/index.js';
import type { WatchEvent } from '../watch/index.js';
import { accountCommands } from './commands/account-commands.js';
import { binaryCommands } from './commands/binary-commands.js';
import { catalogCommands } from './commands/catalog-commands.js';
import type { DeskContext, Handler, HandlerMap } from './commands/handler.js';
import { preferenceCommands } from './commands/preference-commands.js';
import { uploadCommands } from './commands/upload-commands.js';
import { watchCommands } from './commands/watch-commands.js';
import { preferencesView } from './preferences-view.js';
import { DeskCommandError, refuse, toDeskError } from './desk-errors.js';
import {
  openDeskWorkspace,
  type DeskWorkspace,
  type DeskWorkspaceOptions,
} from './desk-workspace.js';
import { foreignOrganizationRefusal } from './organization-check.js';
import { jobView } from './job-view.js';
import {
  checkWatchRulesFile,
  readWatchRulesFile,
  type RulesFileCheck,
} from './watch-rules-file.js';
import type { EngineEvent } from '../queue/index.js';

const handlers: HandlerMap<CommandName> = {
  ...accountCommands,
  ...catalogCommands,
  ...binaryCommands,
  ...uploadCommands,
  ...watchCommands,
  ...preferenceCommands,
};

export type DeskListener = (event: DeskEvent) => void;

/** Commands that only read or change the settings and keychain: no workspace is opened for them. */
const SETTINGS_ONLY: ReadonlySet<CommandName> = new Set([
  'profiles.list',
  'profiles.add',
  'profiles.use',
  'profiles.remove',
  'profiles.setProxy',
  'profiles.importCli',
  'keys.list',
  'keys.remove',
  // The cap applies to the engine if one runs; reading or setting it starts none.
  'preferences.get',
  'preferences.set',
]);

function deskEventOf(event: EngineEvent): DeskEvent {
  switch (event.type) {
    case 'job:queued':
      return { name: 'job:queued', payload: { job: jobView(event.job) } };
    case 'job:step':
      return {
        name: 'job:step',
        payload: { jobId: event.jobId, step: event.step, message: event.message },
      };
    case 'job:progress':
      return { name: 'job:progress', payload: { jobId: event.jobId, progress: event.progress } };
    case 'job:ended':
      return { name: 'job:ended', payload: { job: jobView(event.job), outcome: event.outcome } };
    case 'connectivity:changed':
      return {
        name: 'connectivity:changed',
        payload: { online: event.online, reason: event.reason },
      };
    case 'queue:stalled':
      return { name: 'queue:stalled', payload: event.stall };
    case 'engine:error':
      return { name: 'engine:error', payload: { source: event.source, message: event.message } };
  }
}

export interface OpenDeskServiceOptions {
  /** The app's data folder (settings, queue, local workspace); defaultDataDir(env) unless given. */
  dataDir?: string;
  /** An explicit profile; wins over PERIDIO_PROFILE and the current one. */
  profile?: string;
  /** PERIDIO_API_KEY / PERIDIO_BASE_URL / PERIDIO_PROFILE / PERIDIO_CA_PATH are read here. */
  env?: NodeJS.ProcessEnv;
  /** The OS keychain unless given (tests, or a face with its own secret storage). */
  vault?: SecretVault;
  /** electron-store in the desktop app; conf in the data folder unless given. */
  settingsBackend?: SettingsBackend;
  /** Upload queued jobs as they come (default true); without it, `runJobs` runs some. */
  runQueue?: boolean;
  /** Watch the rules' folders while the queue runs (default true). */
  watchFolders?: boolean;
  /** Watch these rules instead of the settings' ones. */
  watchRules?: readonly WatchRule[];
  /**
   * Watch the rules of this file (`watch --config`) instead of the settings' ones; a file that
   * cannot be read, is not valid or holds no rules stops the open (DeskCommandError).
   */
  watchRulesFile?: string;
  /** Every event of the watch agent as it happens (a face that prints each, the CLI agent). */
  onWatchEvent?: (event: WatchEvent) => void;
  /** Told every event from the start, before the workspace opens (a listener given to
   * `subscribe` afterwards may miss the first events of a queue that runs at once). */
  listener?: DeskListener;
  /**
   * This process's bandwidth cap (`--max-rate`: `5MB/s`, `40Mbit/s`, `off`), in force instead of
   * the preference while the service runs; the preference is left as it is.
   */
  maxRate?: string;
  /** Uploads at once, and parts in flight per upload (the preference unless given). */
  jobConcurrency?: number;
  partConcurrency?: number;
  /**
   * `now` (default): the workspace is opened with the service. `when-needed`: at the first
   * command that needs it, so a face that only reads or fixes the settings (a profile without
   * its key) works without a server.
   */
  openWorkspace?: 'now' | 'when-needed';
  /**
   * The engine's log: a face's own logger, or how to make one (JSON lines in
   * `<data>/logs/engine.log`, rotated, and on stderr as `log.stderr` says; the default has
   * no stderr).
   */
  logger?: EngineLogger;
  log?: Omit<EngineLogOptions, 'dataDir'>;
  /**
   * Go on without a broken settings file when PERIDIO_API_KEY names the server and no profile
   * is asked for: a build machine's command line needs nothing from it. Otherwise (default) a
   * broken file stops the open, and the desktop app asks the person what to do with it.
   */
  withoutBrokenSettings?: boolean;
  /** The system's proxy for a URL, used when no variable or profile names one (Electron). */
  systemProxy?: SystemProxyResolver;
  /** Test knobs for the engine. */
  engine?: DeskWorkspaceOptions['engine'];
  /** Test knobs for the watch agent (how often a folder is looked at). */
  watch?: DeskWorkspaceOptions['watch'];
}

export class DeskService {
  readonly #listeners = new Set<DeskListener>();
  readonly #context: DeskContext;
  #workspace: DeskWorkspace | undefined;
  #closed = false;
  #switching: Promise<void> = Promise.resolve();
  /** The log this service made (a face that gave its own logger closes that itself). */
  #ownLog: EngineLog | undefined;

  private constructor(
    private readonly options: Omit<
      DeskWorkspaceOptions,
      'onEvent' | 'onWatchChanged' | 'onWatchFiles'
    >,
  ) {
    this.#context = {
      stores: options.stores,
      env: options.env,
      engine: () => this.#open().engine,
      client: () => this.#open().engine.client,
      workspace: () => this.#open().info(),
      watch: () => this.#open().watch,
      reopenWorkspace: (undo) => this.#reopen(undo),
      isWorkspaceOpen: () => this.#workspace !== undefined,
      organizationPrn: () => this.#open().organizationPrn(),
      checkSigningKey: (ref) => this.#open().checkSigningKey(ref),
      preferences: () => preferencesView(options.stores.settings, options.maxRate),
      preferencesChanged: () => {
        const preferences = preferencesView(options.stores.settings, options.maxRate);
        this.#workspace?.engine.setMaxBytesPerSecond(preferences.maxRateInForce.bytesPerSecond);
        this.#workspace?.engine.setStallTimeoutMs(preferences.stallTimeoutSeconds * 1000);
        // `--jobs` wins over the preference for its process.
        if (options.engine?.jobConcurrency === undefined) {
          this.#workspace?.engine.setJobConcurrency(preferences.jobConcurrency);
        }
        this.#emit({ name: 'preferences:changed', payload: { preferences } });
        return preferences;
      },
    };
  }

  /** Opens the service on the workspace the settings and environment choose. */
  static async open(options: OpenDeskServiceOptions = {}): Promise<DeskService> {
    const env = options.env ?? process.env;
    const dataDir = options.dataDir ?? defaultDataDir(env);
    let settings: SettingsStore;
    let brokenSettings: SettingsFileError | undefined;
    try {
      settings = openSettings({
        dataDir,
        ...(options.settingsBackend ? { backend: options.settingsBackend } : {}),
      });
    } catch (error) {
      // A build machine whose server and key come from the environment needs no settings:
      // its uploads go on, and the file is left as it is for a person to fix.
      const fromEnvironment = readEnvironmentOverrides(env);
      const needsSettings =
        !options.withoutBrokenSettings ||
        fromEnvironment.apiKey === undefined ||
        fromEnvironment.profile !== undefined ||
        options.profile !== undefined;
      if (!(error instanceof SettingsFileError) || needsSettings) throw error;
      brokenSettings = error;
      settings = new SettingsStore(brokenSettingsStandIn(error));
    }
    let maxRate: string | undefined;
    if (options.maxRate !== undefined) {
      const parsed = parseRate(options.maxRate);
      if (!parsed.ok) throw refuse('invalid_input', `The bandwidth cap: ${parsed.message}`);
      maxRate = parsed.text;
    }
    const watchRules =
      options.watchRulesFile !== undefined
        ? await readWatchRulesFile(options.watchRulesFile)
        : options.watchRules;
    const ownLog = options.logger ? undefined : openEngineLog({ ...options.log, dataDir });
    const logger = options.logger ?? (ownLog as EngineLog).logger;
    // Said as an error, so a person at a terminal sees it: the file still needs fixing.
    if (brokenSettings) {
      logger
        .child({ module: 'settings' })
        .error(
          'Going on without the settings, as PERIDIO_API_KEY names the server (the ' +
            'preferences are the defaults; profiles, keys and watch rules kept there cannot ' +
            `be used or changed). ${brokenSettings.message}`,
        );
    }
    const engine = {
      ...options.engine,
      ...(options.jobConcurrency !== undefined ? { jobConcurrency: options.jobConcurrency } : {}),
      ...(options.partConcurrency !== undefined
        ? { partConcurrency: options.partConcurrency }
        : {}),
    };
    const service = new DeskService({
      dataDir,
      env,
      stores: { settings, vault: options.vault ?? new KeyringVault() },
      runQueue: options.runQueue ?? true,
      ...(options.profile !== undefined ? { profileName: options.profile } : {}),
      ...(maxRate !== undefined ? { maxRate } : {}),
      ...(Object.keys(engine).length ? { engine } : {}),
      ...(options.watch ? { watch: options.watch } : {}),
      ...(options.watchFolders !== undefined ? { watchFolders: options.watchFolders } : {}),
      ...(watchRules ? { watchRules } : {}),
      ...(options.onWatchEvent ? { onWatchEvent: options.onWatchEvent } : {}),
      ...(options.systemProxy ? { systemProxy: options.systemProxy } : {}),
      // Each module names itself (`child({ module })`); a second `module` binding here would
      // give every line the key twice.
      logger,
    });
    service.#ownLog = ownLog;
    if (options.listener) service.subscribe(options.listener);
    try {
      if (options.openWorkspace !== 'when-needed') await service.#ensureWorkspace();
    } catch (error) {
      ownLog?.close();
      throw error;
    }
    return service;
  }

  /**
   * Runs a command by name. `input` is anything a face sent: it is checked first and a
   * refused input changes nothing. Rejects with DeskCommandError, whose `data` is plain data.
   */
  async call<N extends CommandName>(name: N, input?: CommandInput<N>): Promise<CommandResult<N>>;
  async call(name: string, input?: unknown): Promise<unknown>;
  async call(name: string, input?: unknown): Promise<unknown> {
    if (!isCommandName(name)) {
      throw refuse('unknown_command', `There is no command "${String(name).slice(0, 80)}".`);
    }
    if (this.#closed)
      throw refuse('closed', 'The engine is shutting down; try again after it restarts.');
    const checked = checkCommandInput(name, input);
    if (!checked.ok) throw new DeskCommandError(checked.error);
    const handler = handlers[name] as Handler<CommandName>;
    try {
      // A switch may start while this call waited its turn: wait for that one too (a bounded
      // number of times, so a workspace that cannot be opened ends in an error, not a loop).
      for (let turn = 0; turn < 3 && (turn === 0 || !this.#workspace); turn++) {
        await this.#switching;
      }
      if (!SETTINGS_ONLY.has(name)) {
        const workspace = await this.#ensureWorkspace();
        const refusal = await foreignOrganizationRefusal(name, checked.value, workspace);
        if (refusal) throw refusal;
      }
      return await handler(checked.value as never, this.#context);
    } catch (error) {
      throw new DeskCommandError(toDeskError(error));
    }
  }

  /** `call` for a transport: never rejects, answers plain data either way. */
  async reply(name: string, input?: unknown): Promise<CommandReply> {
    try {
      return { ok: true, result: await this.call(name, input) };
    } catch (error) {
      return { ok: false, error: toDeskError(error) };
    }
  }

  /** Every event, as `{ name, payload }`; returns the unsubscribe. */
  subscribe(listener: DeskListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  get workspace(): WorkspaceInfo {
    return this.#open().info();
  }

  /**
   * Runs the queue of a service opened with `runQueue: false`: only `onlyJobIds` when given,
   * until nothing in scope is left to do, or with `forever` until `stopJobs` or `close`.
   */
  async runJobs(scope: { onlyJobIds?: readonly string[]; forever?: boolean }): Promise<void> {
    const workspace = await this.#ensureWorkspace();
    await workspace.run(scope);
  }

  /** Ends `runJobs`: running jobs checkpoint and stay queued. */
  stopJobs(): void {
    this.#workspace?.stop();
  }

  /**
   * A watch rules file checked as `watch --check` does: the file's own checks, then each rule's
   * signing key as an upload checks it. The rules, or what is wrong (plain data).
   */
  checkWatchRulesFile(file: string): Promise<RulesFileCheck> {
    return checkWatchRulesFile(file, (signingKey) => this.call('keys.check', { signingKey }));
  }

  /** The files of every job (of any workspace) that may still run or be retried: the spools
   * keep them. */
  pathsInUse(): Set<string> {
    return this.#open().engine.store.pathsInUse();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workspace = this.#workspace;
    this.#workspace = undefined;
    await workspace?.close();
    this.#listeners.clear();
    this.#ownLog?.close();
  }

  #emit(event: DeskEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // One face's broken listener must not keep the others (or the queue) from their events.
        this.options.logger.error(
          { err: error, event: event.name },
          'a face’s event listener threw',
        );
      }
    }
  }

  #opening: Promise<DeskWorkspace> | undefined;

  /** The open workspace, opened now when it is not yet (`openWorkspace: 'when-needed'`). */
  async #ensureWorkspace(): Promise<DeskWorkspace> {
    if (this.#workspace) return this.#workspace;
    this.#opening ??= this.#openWorkspace().finally(() => (this.#opening = undefined));
    this.#workspace = await this.#opening;
    return this.#workspace;
  }

  #open(): DeskWorkspace {
    if (!this.#workspace) throw refuse('closed', 'The engine is not connected to a workspace.');
    return this.#workspace;
  }

  #openWorkspace(): Promise<DeskWorkspace> {
    return openDeskWorkspace({
      ...this.options,
      onEvent: (event) => this.#emit(deskEventOf(event)),
      onWatchChanged: (payload) => this.#emit({ name: 'watch:changed', payload }),
      onWatchFiles: (payload) => this.#emit({ name: 'watch:files', payload }),
    });
  }

  /**
   * Closes the workspace and opens the one the settings now choose. Commands that arrive
   * meanwhile wait for it. When the new one cannot be opened (a profile without its API key),
   * `undo` puts the settings back and the previous workspace is opened again.
   */
  #reopen(undo?: () => void): Promise<WorkspaceInfo> {
    const switched = (async () => {
      const previous = this.#workspace;
      this.#workspace = undefined;
      await previous?.close();
      try {
        this.#workspace = await this.#openWorkspace();
      } catch (error) {
        undo?.();
        this.#workspace = await this.#openWorkspace();
        throw error;
      }
      const workspace = this.#workspace.info();
      this.#emit({ name: 'workspace:changed', payload: { workspace } });
      return workspace;
    })();
    this.#switching = switched.then(
      () => {},
      () => {},
    );
    return switched;
  }
}

/** The service as every face opens it: `openDeskService({ dataDir, profile, env })`. */
export function openDeskService(options: OpenDeskServiceOptions = {}): Promise<DeskService> {
  return DeskService.open(options);
}
