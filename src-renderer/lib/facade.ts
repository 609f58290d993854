// The one door from the UI to the engine. Two transports fit behind it: the Electron preload's
// bridge (`window.peridioDesk`) and the dashboard's HTTP + Server-Sent Events. Views call
// `facade.call(name, input)` and get the result, or a thrown DeskFailure with the engine's
// DeskError; they never know which transport answered.
import {
  DESK_BRIDGE_GLOBAL,
  EVENT_NAMES,
  type DeskBridge,
  type EventName,
} from '../../src-preload/contract.js';
import { DeskFailure } from './desk-failure.js';
import { postCommand, replyFromHttp } from './dashboard-commands.js';
import { takeDashboardToken } from './dashboard-token.js';
import { paced } from './paced.js';
import {
  bridgeTransport,
  createFacade,
  type Facade,
  type FileProgress,
  type Transport,
} from './transport.js';

export { createFacade, type Facade, type FileProgress } from './transport.js';

function dashboardTransport(token: string): Transport {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
  let lost = false;
  source.addEventListener('error', () => {
    lost = true;
  });
  source.addEventListener('open', () => {
    if (!lost) return;
    lost = false;
    for (const listener of reconnectListeners) listener();
  });
  for (const name of EVENT_NAMES) {
    source.addEventListener(name, (event) => {
      let payload: unknown;
      try {
        payload = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const listener of listeners.get(name) ?? []) listener(payload);
    });
  }
  const post = (url: string, init: RequestInit & { body: string }) => fetch(url, init);
  return {
    kind: 'dashboard',
    command: (name, input) => postCommand(post, '', token, name, input),
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => reconnectListeners.delete(listener);
    },
    fileToPath: (file, onProgress) => stageFile(token, file, onProgress),
  };
}

/**
 * How often the page shows a dropped file's handover. The browser moves the bytes on the cores
 * that draw the page, and every shown change costs a whole frame to composite: 4 a second, not
 * the 20 progress events Chromium sends.
 */
const STAGING_PROGRESS_INTERVAL_MS = 250;

/** The browser cannot name a local path: the file goes to the engine, which answers one. */
function stageFile(token: string, file: File, onProgress?: FileProgress): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/files');
    request.setRequestHeader('authorization', `Bearer ${token}`);
    request.setRequestHeader('content-type', 'application/octet-stream');
    request.setRequestHeader('x-file-name', encodeURIComponent(file.name));
    if (onProgress) {
      const show = paced(STAGING_PROGRESS_INTERVAL_MS, onProgress);
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) {
          show(event.loaded / event.total, event.timeStamp);
        }
      });
    }
    request.addEventListener('load', () => {
      const reply = replyFromHttp(request.status, request.responseText);
      if (!reply.ok) return reject(new DeskFailure(reply.error));
      const path = (reply.result as { path?: unknown } | null)?.path;
      if (typeof path !== 'string' || path === '') {
        return reject(
          new DeskFailure({
            code: 'bad_reply',
            message: `The dashboard took "${file.name}" but did not say where it put it.`,
          }),
        );
      }
      resolve(path);
    });
    const failed = (why: string) => () =>
      reject(
        new DeskFailure({
          code: 'dashboard_unreachable',
          message: `"${file.name}" could not be handed to the engine (${why}). Is peridio-desk dashboard still running?`,
        }),
      );
    request.addEventListener('error', failed('the connection failed'));
    request.addEventListener('abort', failed('the transfer was aborted'));
    request.send(file);
  });
}

function missingTransport(): Transport {
  const refuse = () =>
    Promise.reject(
      new DeskFailure({
        code: 'no_engine',
        message:
          'This page is not connected to Peridio Desk. Open the address that "peridio-desk dashboard" printed (it ends with #token=…), or start the desktop app.',
      }),
    );
  return {
    kind: 'none',
    command: refuse,
    on: () => () => {},
    onReconnect: () => () => {},
    fileToPath: refuse,
  };
}

function pickTransport(): Transport {
  const bridge = (window as unknown as Record<string, DeskBridge | undefined>)[DESK_BRIDGE_GLOBAL];
  if (bridge) return bridgeTransport(bridge);
  const takeToken = () =>
    takeDashboardToken({
      hash: location.hash,
      replaceHash: (hash) => history.replaceState(history.state, '', hash),
      storage: sessionStorage,
    });
  // A new address pasted into this tab (the dashboard restarted with a new token) only changes
  // the hash: keep the new token and start over with it.
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#token=')) {
      takeToken();
      location.reload();
    }
  });
  const token = takeToken();
  return token ? dashboardTransport(token) : missingTransport();
}

let current: Facade | null = null;

/** The app's facade, made on first use (after the token was taken from the hash). */
export function facade(): Facade {
  current ??= createFacade(pickTransport());
  return current;
}
