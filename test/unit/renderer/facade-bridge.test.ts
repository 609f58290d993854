// The desktop app's preload bridge copies every argument with the structured clone algorithm
// (contextBridge), which refuses proxies: a Svelte `$state` value passed as is fails there with
// "An object could not be cloned" while the dashboard's JSON body works. The facade must hand
// every command plain data, whichever transport is underneath.
import { describe, expect, it } from 'vitest';
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  type CommandName,
  type CommandReply,
  type DeskBridge,
} from '../../../src-preload/contract.js';
import { bridgeTransport, createFacade } from '../../../src-renderer/lib/transport.js';
import { deepState } from './state-proxy.js';

/** A bridge that, like contextBridge, only accepts what structuredClone can copy. */
function cloningBridge() {
  const received: { name: CommandName; input: unknown }[] = [];
  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      (input: unknown): Promise<CommandReply> => {
        // Throws DataCloneError on a proxy, as the real bridge does.
        received.push({ name, input: structuredClone(input) });
        return Promise.resolve({ ok: true, result: null });
      },
    ]),
  );
  const events = Object.fromEntries(EVENT_NAMES.map((name) => [name, () => () => {}]));
  const bridge = { commands, events, pathForFile: () => '' } as unknown as DeskBridge;
  return { bridge, received };
}

describe('the facade over a structured-clone bridge', () => {
  it('the fake bridge refuses a $state proxy, as contextBridge does', () => {
    const { bridge } = cloningBridge();
    const proxy = deepState({ exclude: ['*.tmp'] });
    expect(() => bridge.commands['watch.save'](proxy as never)).toThrow(/could not be cloned/);
  });

  it.each(COMMAND_NAMES)('%s gets plain data from $state input', async (name) => {
    const { bridge, received } = cloningBridge();
    const facade = createFacade(bridgeTransport(bridge));
    const input = deepState({
      prn: 'prn:1:00000000-0000-4000-8000-000000000000:binary:00000000-0000-4000-8000-000000000001',
      nested: { list: ['a', 'b'], deeper: { flag: true, count: 3 } },
    });
    await expect(facade.call(name, input as never)).resolves.toBeNull();
    expect(received).toEqual([{ name, input: JSON.parse(JSON.stringify(input)) }]);
  });

  it('saves an edited watch rule whose excludes and key file are $state (WatchRuleDialog)', async () => {
    const { bridge, received } = cloningBridge();
    const facade = createFacade(bridgeTransport(bridge));
    const saved = deepState({
      folder: '/builds/out',
      include: ['**/*.img'],
      exclude: ['**/*.tmp', '**/.*'],
      signing: { keyFile: '/keys/release.pem', keyPrn: 'prn:1:x:signing_key:y' },
    });
    await facade.call('watch.save', { rule: saved } as never);
    expect(received[0]?.input).toEqual({ rule: JSON.parse(JSON.stringify(saved)) });
  });

  it('resumes an upload with the job’s signing key taken from $state (BinariesView)', async () => {
    const { bridge, received } = cloningBridge();
    const facade = createFacade(bridgeTransport(bridge));
    const job = deepState({
      request: { path: '/fw.img', signingKey: { name: 'release' }, target: 'x86_64' },
    });
    await facade.call('uploads.enqueue', {
      path: job.request.path,
      signingKey: job.request.signingKey,
    } as never);
    expect(received[0]?.input).toEqual({ path: '/fw.img', signingKey: { name: 'release' } });
  });

  it('sends an empty object when a command has no input', async () => {
    const { bridge, received } = cloningBridge();
    await createFacade(bridgeTransport(bridge)).call('workspace.get');
    expect(received).toEqual([{ name: 'workspace.get', input: {} }]);
  });
});
