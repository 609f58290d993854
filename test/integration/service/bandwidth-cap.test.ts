// The bandwidth cap through the service's door, as every face sets it: the preference is read
// and set by command, a change reaches the uploads running now (measured where the bytes
// arrive) and is told to every face, a cap the service cannot read is refused with the
// examples, and a process's own cap (`--max-rate`) wins over the preference for that process.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeskService, OpenDeskServiceOptions } from '../../../src-main/service/index.js';
import type { DeskEvent } from '../../../src-preload/contract.js';
import { waitFor } from '../local-peridio/helpers.js';
import { arrivalRate, expectWithinTenPercent } from '../upload/presigned-proxy.js';
import { refusalOf } from './refusal.js';
import {
  queueUpload,
  startServiceBehindProxy,
  type ServiceBehindProxy,
} from './service-behind-presigned-proxy.js';

const MiB = 1024 * 1024;

// Through the proxy, which notes when each byte of each part PUT arrived.
let h: ServiceBehindProxy;
beforeEach(async () => {
  h = await startServiceBehindProxy('bandwidth-cap', () => ({ kind: 'pass' }));
});
afterEach(async () => {
  await h.close();
});

const open = (options?: OpenDeskServiceOptions) => h.open(options);
const upload = (desk: DeskService, size: number) => queueUpload(desk, h.dir, size);

describe('the bandwidth cap preference', () => {
  it('is read and set by command, and a cap it cannot read changes nothing', async () => {
    const desk = await open({ openWorkspace: 'when-needed' });
    expect(await desk.call('preferences.get')).toEqual({
      maxRate: { bytesPerSecond: null, text: 'unlimited' },
      maxRateInForce: { bytesPerSecond: null, text: 'unlimited', source: 'preference' },
      stallTimeoutSeconds: 60,
      jobConcurrency: null,
    });
    const events: DeskEvent[] = [];
    desk.subscribe((event) => events.push(event));

    const set = await desk.call('preferences.set', { maxRate: '40Mbps' });
    expect(set.maxRate).toEqual({ bytesPerSecond: 5_000_000, text: '40 Mbit/s' });
    expect(set.maxRateInForce).toMatchObject({ bytesPerSecond: 5_000_000, source: 'preference' });
    expect(events).toEqual([{ name: 'preferences:changed', payload: { preferences: set } }]);

    const refusal = await refusalOf(desk.call('preferences.set', { maxRate: '5 Mb/s' }));
    expect(refusal.code).toBe('invalid_input');
    expect(refusal.fields?.[0]?.field).toBe('maxRate');
    expect(refusal.message).toMatch(/ambiguous.*e\.g\. 5MB\/s/);
    expect((await desk.call('preferences.get')).maxRate.text).toBe('40 Mbit/s');
    // Reading and setting it opened no workspace.
    expect(h.proxy.puts).toEqual([]);
  });

  it('applies a change to the uploads running now within a second', async () => {
    const desk = await open();
    await desk.call('preferences.set', { maxRate: '4MB/s' });
    const { ended } = await upload(desk, 24 * MiB);
    const first = (await waitFor('the first bytes', async () => h.proxy.arrived[0]?.at, Boolean))!;
    await new Promise((resolve) => setTimeout(resolve, first + 1250 - performance.now()));
    const raised = performance.now();
    await desk.call('preferences.set', { maxRate: '16MB/s' });

    const end = await ended;
    expect(end.name === 'job:ended' && end.payload.job.status).toBe('done');
    expectWithinTenPercent(arrivalRate(h.proxy.arrived, first + 100, raised), 4_000_000);
    expectWithinTenPercent(arrivalRate(h.proxy.arrived, raised + 250), 16_000_000);
  });

  it('gives way to the process’s own cap, which the preference does not change', async () => {
    const desk = await open({ maxRate: '64Mbit/s' });
    expect((await desk.call('preferences.get')).maxRateInForce).toEqual({
      bytesPerSecond: 8_000_000,
      text: '64 Mbit/s',
      source: 'command-line',
    });
    const set = await desk.call('preferences.set', { maxRate: '2MB/s' });
    expect(set.maxRate.text).toBe('2 MB/s');
    expect(set.maxRateInForce).toMatchObject({ text: '64 Mbit/s', source: 'command-line' });

    const end = await (await upload(desk, 12 * MiB)).ended;
    expect(end.name === 'job:ended' && end.payload.job.status).toBe('done');
    expectWithinTenPercent(arrivalRate(h.proxy.arrived), 8_000_000);
  });

  it('refuses to open with a process cap it cannot read', async () => {
    const refusal = await refusalOf(open({ maxRate: '8 MB' }));
    expect(refusal).toMatchObject({ code: 'invalid_input' });
    expect(refusal.message).toMatch(/^The bandwidth cap: "8 MB" is an amount, not a rate/);
  });
});
