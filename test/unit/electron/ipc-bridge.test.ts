// The contract over IPC, main side, against the real engine (local workspace in a temporary
// folder, secrets in memory): every command has its handler, our window's commands reach the
// engine, anything else is refused before the engine sees it, and events reach our windows.
// Only Electron's ipcMain and webContents are stood in for, as thin as the bridge uses them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  commandChannel,
  eventChannel,
  type CommandReply,
} from '../../../src-preload/contract.js';
import {
  UNTRUSTED_SENDER,
  forwardEvents,
  handleCommands,
  type CommandBridgeOptions,
} from '../../../src-main/electron/ipc-bridge.js';
import { isTrustedSender, senderFactsOf } from '../../../src-main/electron/trusted-sender.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../memory-vault.js';

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>;
type InvokeEvent = Parameters<CommandBridgeOptions['isTrusted']>[0];

/** Electron's ipcMain as the bridge uses it: a handler per channel. */
function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipcMain = {
    handle(channel: string, handler: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler(channel: string) {
      handlers.delete(channel);
    },
  } as unknown as CommandBridgeOptions['ipcMain'];
  return { ipcMain, handlers };
}

const OUR_WINDOW = 1;
const sender = (url: string, id = OUR_WINDOW, parent: unknown = null) =>
  ({ sender: { id }, senderFrame: { url, parent } }) as unknown as InvokeEvent;

let dir: string;
let service: DeskService;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ipc-bridge-'));
  service = await openDeskService({
    dataDir: dir,
    env: {},
    vault: new MemoryVault(),
    runQueue: false,
  });
});

afterAll(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

function bridge() {
  const { ipcMain, handlers } = fakeIpcMain();
  const refused: string[] = [];
  const remove = handleCommands({
    ipcMain,
    service,
    isTrusted: (event) => isTrustedSender(senderFactsOf(event), new Set([OUR_WINDOW])),
    onRefused: (name) => refused.push(name),
  });
  const invoke = (name: string, event: InvokeEvent, ...args: unknown[]) =>
    handlers.get(`desk:command:${name}`)!(event, ...args) as Promise<CommandReply>;
  return { handlers, refused, remove, invoke };
}

describe('commands over IPC', () => {
  it('registers one handler per contract command and removes them all again', () => {
    const { handlers, remove } = bridge();
    expect([...handlers.keys()].sort()).toEqual(COMMAND_NAMES.map(commandChannel).sort());
    remove();
    expect(handlers.size).toBe(0);
  });

  it('runs a command from our window and answers the engine’s reply', async () => {
    const { invoke } = bridge();
    const reply = await invoke('workspace.get', sender('app://desk/index.html'), {});
    expect(reply).toMatchObject({ ok: true, result: { kind: 'local' } });
  });

  it('answers a refused input with the engine’s words, not a thrown error', async () => {
    const { invoke } = bridge();
    const reply = await invoke('artifacts.create', sender('app://desk/'), { name: 'x', extra: 1 });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(!reply.ok && reply.error.message).toContain('unknown field "extra"');
  });

  it('passes on only the first argument', async () => {
    const { invoke } = bridge();
    const reply = await invoke('jobs.list', sender('app://desk/'), {}, { smuggled: true });
    expect(reply).toEqual({ ok: true, result: { items: [], nextCursor: null } });
  });

  it.each([
    ['another webContents', sender('app://desk/', 99)],
    ['our window showing another site', sender('https://evil.example/')],
    ['a frame inside our page', sender('app://desk/', OUR_WINDOW, { url: 'app://desk/' })],
    ['a file:// page', sender('file:///tmp/evil.html')],
  ])('refuses %s before the engine runs anything', async (_what, event) => {
    const { invoke, refused } = bridge();
    const reply = await invoke('artifacts.create', event, { name: 'made by a stranger' });
    expect(reply).toEqual(UNTRUSTED_SENDER);
    expect(refused).toEqual(['artifacts.create']);
    const list = await service.reply('artifacts.list', {});
    expect(list).toMatchObject({ ok: true });
    const names = list.ok ? (list.result as { items: { name: string }[] }).items : [];
    expect(names.map((a) => a.name)).not.toContain('made by a stranger');
  });
});

describe('events over IPC', () => {
  it('sends each engine event to our live windows, on its channel, with its payload', async () => {
    const sent: { window: string; channel: string; payload: unknown }[] = [];
    const window = (name: string, destroyed = false) => ({
      isDestroyed: () => destroyed,
      send: (channel: string, payload: unknown) => sent.push({ window: name, channel, payload }),
    });
    const stop = forwardEvents(service, () => [window('main'), window('closed', true)]);
    // Switching to the local workspace (already in use) still announces the workspace.
    const reply = await service.reply('profiles.use', { name: null });
    expect(reply.ok).toBe(true);
    expect(sent).toContainEqual({
      window: 'main',
      channel: eventChannel('workspace:changed'),
      payload: { workspace: expect.objectContaining({ kind: 'local' }) },
    });
    expect(sent.every((s) => s.window === 'main')).toBe(true);
    const before = sent.length;
    stop();
    await service.reply('profiles.use', { name: null });
    expect(sent.length).toBe(before);
  });
});
