// The preload exposes exactly the contract: one function per command that invokes that
// command's channel with the input, one subscribe per event whose unsubscribe works, and
// pathForFile. No other key, and a listener never sees Electron's event object.
import { describe, expect, it } from 'vitest';
import { createDeskBridge, type RendererIpc } from '../../../src-preload/bridge.js';
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  commandChannel,
  eventChannel,
} from '../../../src-preload/contract.js';

type Listener = (event: unknown, payload: unknown) => void;

/** Records what the bridge does with IPC, and lets the test play the main process. */
function recordingIpc() {
  const invoked: { channel: string; input: unknown }[] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: RendererIpc = {
    async invoke(channel, input) {
      invoked.push({ channel, input });
      return { ok: true, result: `answer from ${channel}` };
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const emit = (channel: string, payload: unknown) => {
    const ipcEvent = { sender: 'the raw ipcRenderer must not reach the page' };
    for (const listener of listeners.get(channel) ?? []) listener(ipcEvent, payload);
  };
  const count = (channel: string) => listeners.get(channel)?.size ?? 0;
  return { ipc, invoked, emit, count };
}

const noPath = () => '';

describe('the desktop bridge', () => {
  it('has commands, events and pathForFile, and nothing else', () => {
    const bridge = createDeskBridge(recordingIpc().ipc, noPath);
    expect(Object.keys(bridge).sort()).toEqual(['commands', 'events', 'pathForFile']);
    expect(Object.keys(bridge.commands).sort()).toEqual([...COMMAND_NAMES].sort());
    expect(Object.keys(bridge.events).sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of COMMAND_NAMES) expect(typeof bridge.commands[name]).toBe('function');
    for (const name of EVENT_NAMES) expect(typeof bridge.events[name]).toBe('function');
  });

  it('invokes exactly the command channel with the input, and answers what main answered', async () => {
    const { ipc, invoked } = recordingIpc();
    const bridge = createDeskBridge(ipc, noPath);
    for (const name of COMMAND_NAMES) {
      const input = { marker: name };
      const call = bridge.commands[name] as (input: unknown) => Promise<unknown>;
      await expect(call(input)).resolves.toEqual({
        ok: true,
        result: `answer from ${commandChannel(name)}`,
      });
    }
    expect(invoked).toEqual(
      COMMAND_NAMES.map((name) => ({ channel: commandChannel(name), input: { marker: name } })),
    );
  });

  it('passes a command without input as undefined (the engine reads it as {})', async () => {
    const { ipc, invoked } = recordingIpc();
    await createDeskBridge(ipc, noPath).commands['jobs.list']();
    expect(invoked).toEqual([{ channel: commandChannel('jobs.list'), input: undefined }]);
  });

  it('delivers each event payload (only the payload) until unsubscribed', () => {
    const { ipc, emit, count } = recordingIpc();
    const bridge = createDeskBridge(ipc, noPath);
    for (const name of EVENT_NAMES) {
      const received: unknown[][] = [];
      const subscribe = bridge.events[name] as (l: (...args: unknown[]) => void) => () => void;
      const unsubscribe = subscribe((...args) => received.push(args));
      emit(eventChannel(name), { first: name });
      emit(`${eventChannel(name)}-other`, { not: 'this one' });
      unsubscribe();
      emit(eventChannel(name), { after: 'unsubscribe' });
      expect(received).toEqual([[{ first: name }]]);
      expect(count(eventChannel(name))).toBe(0);
      // Calling it again removes nothing else.
      unsubscribe();
    }
  });

  it('keeps two subscriptions to one event apart', () => {
    const { ipc, emit } = recordingIpc();
    const bridge = createDeskBridge(ipc, noPath);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = bridge.events['job:progress']((payload) => a.push(payload));
    bridge.events['job:progress']((payload) => b.push(payload));
    stopA();
    emit(eventChannel('job:progress'), 'tick');
    expect(a).toEqual([]);
    expect(b).toEqual(['tick']);
  });

  it('refuses a subscribe without a function, saying what it takes', () => {
    const bridge = createDeskBridge(recordingIpc().ipc, noPath);
    const subscribe = bridge.events['job:ended'] as (listener: unknown) => () => void;
    expect(() => subscribe('not a function')).toThrow(/events\["job:ended"\] takes a function/);
  });

  it('answers a dropped file’s path from the given lookup', () => {
    const bridge = createDeskBridge(recordingIpc().ipc, (file) => `/dropped/${file.name}`);
    expect(bridge.pathForFile(new File(['x'], 'firmware.bin'))).toBe('/dropped/firmware.bin');
  });

  it('cannot be changed by the page', () => {
    const bridge = createDeskBridge(recordingIpc().ipc, noPath);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.commands)).toBe(true);
    expect(Object.isFrozen(bridge.events)).toBe(true);
  });
});
