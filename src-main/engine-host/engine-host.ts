// The engine's side of the host protocol: opens DeskService on the data folder it is given,
// answers each call with the contract's reply, passes every event on, and closes the engine
// when asked (or when its parent goes away), then says so. Runs in Electron's utility process
// and under Node's child_process.fork alike (host-entry.ts picks the channel).
import type { SystemProxyResolver } from '../network/index.js';
import { openDeskService, type DeskService } from '../service/index.js';
import { SettingsFileError, moveBrokenSettingsAside } from '../settings/index.js';
import { isToHost, type FromHost, type OpenFailure, type ToHost } from './host-protocol.js';

export interface HostChannel {
  send(message: FromHost): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The parent is gone (its end of the channel closed). */
  onParentGone(listener: () => void): void;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function open(
  request: Extract<ToHost, { type: 'open' }>,
  systemProxy: SystemProxyResolver,
): Promise<DeskService> {
  const options = {
    dataDir: request.dataDir,
    env: process.env,
    ...(request.systemProxy ? { systemProxy } : {}),
  };
  try {
    return await openDeskService(options);
  } catch (error) {
    if (!(error instanceof SettingsFileError) || request.brokenSettings !== 'move-aside') {
      throw error;
    }
    moveBrokenSettingsAside(error.filePath);
    return await openDeskService(options);
  }
}

function openFailure(error: unknown): OpenFailure {
  if (error instanceof SettingsFileError) {
    return { code: 'settings_file', message: error.message, filePath: error.filePath };
  }
  return { code: 'start_failed', message: describe(error) };
}

/** Serves one engine over `channel`; resolves when it has closed. */
export function runEngineHost(channel: HostChannel): Promise<void> {
  let service: DeskService | undefined;
  let opening: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  // The system's proxy is the parent's to know (Electron's session): asked over the channel.
  const proxyAnswers = new Map<number, (answer: string) => void>();
  let nextProxyQuestion = 1;
  const systemProxy: SystemProxyResolver = (url) =>
    new Promise((resolve) => {
      const id = nextProxyQuestion++;
      proxyAnswers.set(id, resolve);
      channel.send({ type: 'resolve-proxy', id, url });
    });

  const close = () =>
    (closing ??= (async () => {
      await opening?.catch(() => {});
      await service?.close();
      channel.send({ type: 'closed' });
      finished();
    })());

  channel.onParentGone(() => void close());
  channel.onMessage((message) => {
    if (!isToHost(message)) return;
    switch (message.type) {
      case 'open':
        if (opening || closing) return;
        opening = open(message, systemProxy).then(
          (opened) => {
            service = opened;
            opened.subscribe((event) => channel.send({ type: 'event', event }));
            channel.send({ type: 'ready' });
          },
          (error: unknown) => {
            channel.send({ type: 'open-failed', error: openFailure(error) });
            void close();
          },
        );
        return;
      case 'call': {
        const { id, name, input } = message;
        const answer = service
          ? service.reply(name, input)
          : Promise.resolve({
              ok: false as const,
              error: { code: 'engine_not_open', message: 'The engine is not open yet.' },
            });
        void answer.then((reply) => channel.send({ type: 'reply', id, reply }));
        return;
      }
      case 'proxy-answer':
        proxyAnswers.get(message.id)?.(message.answer);
        proxyAnswers.delete(message.id);
        return;
      case 'close':
        void close();
        return;
    }
  });
  return done;
}
