// The parent's side of the host protocol: the engine in a process of its own behind the same
// door the faces use (`reply`, `subscribe`, `close`), so the desktop app's main thread keeps
// only windows, tray, menus, notifications and the IPC bridge. The process is started by a
// `HostProcess`: Electron's utilityProcess in the desktop app (src-main/electron), Node's
// child_process.fork elsewhere (forkNodeHost).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CommandReply, DeskEvent } from '../../src-preload/contract.js';
import type { SystemProxyResolver } from '../network/index.js';
import {
  isFromHost,
  type BrokenSettings,
  type FromHost,
  type OpenFailure,
  type ToHost,
} from './host-protocol.js';

/** A started engine process, as the client uses it. */
export interface HostProcess {
  send(message: ToHost): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the process has ended, for whatever reason. */
  onExit(listener: (code: number | null) => void): void;
  /** Ends the process (SIGTERM unless told; Electron's utility processes take no signal). */
  kill(signal?: NodeJS.Signals): void;
}

/** The engine could not be opened: the settings file (with its path) or another cause. */
export class EngineOpenError extends Error {
  override name = 'EngineOpenError';
  readonly code: OpenFailure['code'];
  readonly filePath: string | undefined;

  constructor(failure: OpenFailure) {
    super(failure.message);
    this.code = failure.code;
    this.filePath = failure.filePath;
  }
}

const stopped = (why: string): CommandReply => ({
  ok: false,
  error: { code: 'engine_stopped', message: `The engine is not running (${why}).` },
});

export interface StartEngineOptions {
  dataDir: string;
  brokenSettings?: BrokenSettings;
  /** How long close waits for the engine to checkpoint and close before ending it. */
  closeTimeoutMs?: number;
  /** The system's proxy for a URL (Electron's session.resolveProxy); the engine asks it. */
  resolveProxy?: SystemProxyResolver;
}

export class EngineClient {
  readonly #host: HostProcess;
  readonly #pending = new Map<number, (reply: CommandReply) => void>();
  readonly #listeners = new Set<(event: DeskEvent) => void>();
  readonly #exitListeners = new Set<(code: number | null) => void>();
  readonly #closeTimeoutMs: number;
  readonly #exited: Promise<number | null>;
  #nextId = 1;
  #exitCode: number | null | undefined;
  #closing: Promise<void> | undefined;
  #closed!: () => void;
  readonly #closedMessage = new Promise<void>((resolve) => (this.#closed = resolve));

  readonly #resolveProxy: SystemProxyResolver | undefined;

  private constructor(
    host: HostProcess,
    closeTimeoutMs: number,
    resolveProxy: SystemProxyResolver | undefined,
  ) {
    this.#host = host;
    this.#closeTimeoutMs = closeTimeoutMs;
    this.#resolveProxy = resolveProxy;
    this.#exited = new Promise((resolve) =>
      host.onExit((code) => {
        this.#exitCode = code;
        for (const answer of this.#pending.values()) answer(stopped(`it ended with ${code}`));
        this.#pending.clear();
        this.#closed();
        if (!this.#closing) for (const listener of this.#exitListeners) listener(code);
        resolve(code);
      }),
    );
    host.onMessage((message) => {
      if (isFromHost(message)) this.#onMessage(message);
    });
  }

  /** Starts the engine in `host`; resolves once it is open, or rejects with EngineOpenError. */
  static async start(host: HostProcess, options: StartEngineOptions): Promise<EngineClient> {
    const client = new EngineClient(host, options.closeTimeoutMs ?? 10_000, options.resolveProxy);
    const opened = new Promise<void>((resolve, reject) => {
      client.#opened = { resolve, reject };
    });
    host.send({
      type: 'open',
      dataDir: options.dataDir,
      brokenSettings: options.brokenSettings ?? 'fail',
      systemProxy: options.resolveProxy !== undefined,
    });
    try {
      await Promise.race([
        opened,
        client.#exited.then((code) => {
          throw new EngineOpenError({
            code: 'start_failed',
            message: `The engine's process ended (${code}) before it was open.`,
          });
        }),
      ]);
    } catch (error) {
      host.kill();
      throw error;
    }
    return client;
  }

  #opened: { resolve(): void; reject(error: Error): void } | undefined;

  #onMessage(message: FromHost): void {
    switch (message.type) {
      case 'ready':
        this.#opened?.resolve();
        return;
      case 'open-failed':
        this.#opened?.reject(new EngineOpenError(message.error));
        return;
      case 'reply': {
        const answer = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        answer?.(message.reply);
        return;
      }
      case 'event':
        for (const listener of this.#listeners) listener(message.event);
        return;
      case 'resolve-proxy': {
        const { id, url } = message;
        // A question the system cannot answer goes straight, as it would without a proxy.
        const asked = this.#resolveProxy?.(url) ?? Promise.resolve('DIRECT');
        void asked
          .catch(() => 'DIRECT')
          .then((answer) => this.#host.send({ type: 'proxy-answer', id, answer }));
        return;
      }
      case 'closed':
        this.#closed();
        return;
    }
  }

  /** A command, answered with the contract's reply; never rejects. */
  reply(name: string, input?: unknown): Promise<CommandReply> {
    if (this.#exitCode !== undefined) {
      return Promise.resolve(stopped(`it ended with ${this.#exitCode}`));
    }
    if (this.#closing) return Promise.resolve(stopped('it is closing'));
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#host.send({ type: 'call', id, name, input: input ?? {} });
    });
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** The engine's process ended without being asked to close (a crash, a kill). */
  onUnexpectedExit(listener: (code: number | null) => void): () => void {
    this.#exitListeners.add(listener);
    return () => {
      this.#exitListeners.delete(listener);
    };
  }

  /**
   * Asks the engine to checkpoint and close, waits for it (at most closeTimeoutMs), then ends
   * its process. Once, however often it is asked.
   */
  close(): Promise<void> {
    return (this.#closing ??= (async () => {
      if (this.#exitCode === undefined) this.#host.send({ type: 'close' });
      const deadline = new Promise<void>((resolve) =>
        setTimeout(resolve, this.#closeTimeoutMs).unref(),
      );
      await Promise.race([this.#closedMessage, deadline]);
      if (this.#exitCode === undefined) this.#host.kill();
      await this.#exited;
    })());
  }
}

/** The engine host's entry file, beside this one (compiled) or from the sources (tsx). */
export function hostEntryFile(): string {
  const here = import.meta.url;
  const extension = here.endsWith('.ts') ? 'ts' : 'js';
  return fileURLToPath(new URL(`./host-entry.${extension}`, here));
}

/** The engine in a Node child process (child_process.fork), talking over its IPC channel. */
export function forkNodeHost(
  options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
): HostProcess {
  const entry = hostEntryFile();
  const execArgv = options.execArgv ?? (entry.endsWith('.ts') ? ['--import', 'tsx'] : []);
  const child = fork(entry, [], {
    execArgv,
    env: options.env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    send: (message) => {
      if (child.connected) child.send(message);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => {
      child.once('exit', (code, signal) => listener(code ?? (signal ? -1 : null)));
    },
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
