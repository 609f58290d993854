// Asking for the connection now: while offline, a person (or the system saying the network
// is back) need not wait for the next probe, which may be a minute away after a long outage.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectivityMonitor } from '../../../src-main/queue/index.js';
import { ManualClock } from '../../manual-clock.js';

let server: Server | undefined;
const monitors: ConnectivityMonitor[] = [];

afterEach(async () => {
  for (const monitor of monitors.splice(0)) monitor.stop();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A port nothing listens on yet, and a probe that asks it. */
async function probeOfFreePort() {
  const spare = createServer();
  await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
  const { port } = spare.address() as AddressInfo;
  await new Promise<void>((resolve) => spare.close(() => resolve()));
  let probes = 0;
  const probe = async (signal: AbortSignal) => {
    probes += 1;
    await fetch(`http://127.0.0.1:${port}/`, { signal });
  };
  const listen = async () => {
    server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
  };
  return { probe, listen, probes: () => probes };
}

function monitorWith(probe: (signal: AbortSignal) => Promise<void>) {
  // The scheduled probe is on a clock that never moves: only checkNow can find the server back.
  const monitor = new ConnectivityMonitor({ probe, clock: new ManualClock() });
  monitors.push(monitor);
  return monitor;
}

describe('ConnectivityMonitor.checkNow', () => {
  it('finds the server back at once instead of at the next scheduled probe', async () => {
    const port = await probeOfFreePort();
    const monitor = monitorWith(port.probe);
    monitor.reportOffline('connect ECONNREFUSED');
    expect(await monitor.checkNow()).toBe(false);
    expect(monitor.offlineReason).toMatch(/fetch failed|ECONNREFUSED/);

    await port.listen();
    const woken = monitor.whenOnline();
    expect(await monitor.checkNow()).toBe(true);
    await woken;
    expect(monitor.offlineReason).toBeNull();
  });

  it('asks the server once for asks that come together, and not at all while online', async () => {
    const port = await probeOfFreePort();
    const monitor = monitorWith(port.probe);
    expect(await monitor.checkNow()).toBe(true);
    expect(port.probes()).toBe(0);

    monitor.reportOffline('gone');
    await port.listen();
    const answers = await Promise.all([monitor.checkNow(), monitor.checkNow(), monitor.checkNow()]);
    expect(answers).toEqual([true, true, true]);
    expect(port.probes()).toBe(1);
  });
});

describe('ConnectivityMonitor probing', () => {
  it('backs off up to its limit, and a listener that throws neither stops it nor counts as an answer', async () => {
    const clock = new ManualClock();
    let up = false;
    const errors: string[] = [];
    const changes: boolean[] = [];
    const monitor = new ConnectivityMonitor({
      probe: async () => {
        if (!up) throw new Error('connect ECONNREFUSED');
      },
      initialDelayMs: 1000,
      maxDelayMs: 4000,
      clock,
      onChange: (online) => {
        changes.push(online);
        throw new Error('a broken face');
      },
      onError: (message) => errors.push(message),
    });
    monitors.push(monitor);
    monitor.reportOffline('connect ECONNREFUSED');
    expect(errors).toEqual(['Telling that the server is unreachable failed: a broken face']);
    await clock.advance(20_000);
    const bases = [1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000];
    expect(clock.delays.length).toBeGreaterThanOrEqual(5);
    clock.delays.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(bases[i]! * 0.75);
      expect(ms).toBeLessThanOrEqual(bases[i]! * 1.25);
    });
    up = true;
    await clock.advance(5000);
    expect(monitor.online).toBe(true);
    expect(changes).toEqual([false, true]);
    expect(errors).toHaveLength(2);
  });
});
