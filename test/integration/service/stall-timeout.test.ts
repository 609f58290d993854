// The stall timeout through the service's door, as every face sets it: the preference is read
// and set by command and kept in the settings, a value out of bounds is refused, and the
// timeout reaches the part PUTs: a PUT the network holds (the proxy reads none of its bytes
// and never answers) is cut after the preference's time, sent again, and the upload completes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeskService, OpenDeskServiceOptions } from '../../../src-main/service/index.js';
import type { DeskEvent } from '../../../src-preload/contract.js';
import { refusalOf } from './refusal.js';
import {
  queueUpload,
  startServiceBehindProxy,
  type ServiceBehindProxy,
} from './service-behind-presigned-proxy.js';

const MiB = 1024 * 1024;

/** The part PUTs (1 for the first) the proxy holds; every other one passes. */
let heldPuts: Set<number>;
// Through the proxy, which holds the part PUTs the test names.
let h: ServiceBehindProxy;
beforeEach(async () => {
  heldPuts = new Set();
  h = await startServiceBehindProxy('stall-timeout', (n) =>
    heldPuts.has(n) ? { kind: 'stall' } : { kind: 'pass' },
  );
});
afterEach(async () => {
  await h.close();
});

const open = (options?: OpenDeskServiceOptions) => h.open(options);
/** Queues a one-part file and waits for its job to end. */
const upload = async (desk: DeskService) => (await queueUpload(desk, h.dir, 1 * MiB)).ended;

/** How long after the held PUT the proxy saw it sent again, in ms. */
function cutAfterMs(held: number): number {
  const [first, again] = [h.proxy.puts[held - 1]!, h.proxy.puts[held]!];
  expect([first.treatment.kind, again.treatment.kind]).toEqual(['stall', 'pass']);
  return again.openedAt - first.openedAt;
}

describe('the stall timeout preference', () => {
  it('is 60 s unless set, is read and set by command, kept, and refused out of bounds', async () => {
    const desk = await open({ openWorkspace: 'when-needed' });
    expect((await desk.call('preferences.get')).stallTimeoutSeconds).toBe(60);
    const events: DeskEvent[] = [];
    desk.subscribe((event) => events.push(event));

    const set = await desk.call('preferences.set', { stallTimeoutSeconds: 90 });
    expect(set).toMatchObject({ stallTimeoutSeconds: 90, maxRate: { text: 'unlimited' } });
    expect(events).toEqual([{ name: 'preferences:changed', payload: { preferences: set } }]);

    for (const stallTimeoutSeconds of [4, 3601, 12.5, '30', null]) {
      const refusal = await refusalOf(desk.call('preferences.set', { stallTimeoutSeconds }));
      expect(refusal.code).toBe('invalid_input');
      expect(refusal.fields).toEqual([
        {
          field: 'stallTimeoutSeconds',
          message: 'the stall timeout must be a whole number of seconds from 5 to 3600, e.g. 60',
        },
      ]);
    }
    // A refused value changes nothing, not even the other preference set with it.
    await refusalOf(desk.call('preferences.set', { maxRate: '1MB/s', stallTimeoutSeconds: 1 }));
    expect(await desk.call('preferences.get')).toMatchObject({
      stallTimeoutSeconds: 90,
      maxRate: { text: 'unlimited' },
    });
    const both = await desk.call('preferences.set', { maxRate: '1MB/s', stallTimeoutSeconds: 5 });
    expect(both).toMatchObject({ stallTimeoutSeconds: 5, maxRate: { text: '1 MB/s' } });

    await desk.close();
    const reopened = await open({ openWorkspace: 'when-needed' });
    expect((await reopened.call('preferences.get')).stallTimeoutSeconds).toBe(5);
    // Reading and setting it opened no workspace.
    expect(h.proxy.puts).toEqual([]);
  });

  it('cuts a held part PUT after the preferred time and sends it again; the upload completes', async () => {
    const settingsOnly = await open({ openWorkspace: 'when-needed' });
    await settingsOnly.call('preferences.set', { stallTimeoutSeconds: 5 });
    await settingsOnly.close();
    heldPuts.add(1);
    const desk = await open();

    const end = await upload(desk);
    expect(end.name === 'job:ended' && end.payload.job.status).toBe('done');
    // 5 s, not the default minute: the preference reached the PUT.
    const cut = cutAfterMs(1);
    expect(cut).toBeGreaterThanOrEqual(5000);
    expect(cut).toBeLessThan(8000);
    expect(h.proxy.puts).toHaveLength(2);
    await h.closeService();
    // The engine's log says which part was sent again, and why.
    const log = await readFile(path.join(h.dir, 'desk', 'logs', 'engine.log'), 'utf8');
    expect(log).toContain('"msg":"sending part 1 again: no bytes moved for 5000 ms"');
  });

  it('applies a change made while the engine runs to the uploads started after it', async () => {
    const desk = await open();
    await desk.call('preferences.set', { stallTimeoutSeconds: 6 });
    heldPuts.add(1);

    const end = await upload(desk);
    expect(end.name === 'job:ended' && end.payload.job.status).toBe('done');
    const cut = cutAfterMs(1);
    expect(cut).toBeGreaterThanOrEqual(6000);
    expect(cut).toBeLessThan(9000);
  });
});
