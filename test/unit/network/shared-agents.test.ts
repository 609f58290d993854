import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SharedAgents,
  type NetworkAgents,
  type ProxyPlan,
} from '../../../src-main/network/index.js';

const PLAN: ProxyPlan = { environment: {} };
const PROFILE_PROXY: ProxyPlan = {
  environment: {},
  profile: { url: 'http://user:secret@proxy.example:3128', profileName: 'work' },
};

let server: http.Server;
let url: URL;
/** The server's side of each connection it was opened, in order. */
let connections: Socket[];

beforeEach(async () => {
  connections = [];
  server = http.createServer((_request, response) => response.end('ok'));
  server.on('connection', (socket: Socket) => connections.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

afterEach(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

/** A GET through `agents`, answered in full. */
async function get(agents: NetworkAgents): Promise<void> {
  const way = await agents.wayTo(url);
  const request = way.request(url, { agent: way.agent });
  request.end();
  const [response] = (await once(request, 'response')) as [http.IncomingMessage];
  response.resume();
  await once(response, 'end');
}

const closed = (socket: Socket) => (socket.destroyed ? Promise.resolve() : once(socket, 'close'));

describe('agents shared on a thread', () => {
  it('hands the same agents to users that go out the same way, and their requests one connection', async () => {
    const shared = new SharedAgents();
    const engine = shared.lease(PLAN, undefined);
    const transfer = shared.lease({ environment: {} }, undefined);
    expect(transfer.agents).toBe(engine.agents);
    await get(engine.agents);
    await get(transfer.agents);
    expect(connections).toHaveLength(1);
    // Another proxy, another trust or another system asker: another way out.
    expect(shared.lease(PROFILE_PROXY, undefined).agents).not.toBe(engine.agents);
    expect(shared.lease(PLAN, ['-----BEGIN CERTIFICATE-----']).agents).not.toBe(engine.agents);
    expect(shared.lease(PLAN, undefined, async () => 'DIRECT').agents).not.toBe(engine.agents);
    engine.release();
    transfer.release();
  });

  it('keeps the connections a short while after the last user, for the next one, then closes them', async () => {
    const shared = new SharedAgents({ keepIdleMs: 100 });
    const first = shared.lease(PLAN, undefined);
    await get(first.agents);
    first.release();
    first.release(); // twice is once
    const next = shared.lease(PLAN, undefined);
    expect(next.agents).toBe(first.agents);
    await get(next.agents);
    expect(connections).toHaveLength(1);
    next.release();
    await closed(connections[0]!);
    const later = shared.lease(PLAN, undefined);
    expect(later.agents).not.toBe(first.agents);
    later.release();
  });

  it('serves new users from a fresh set once a set is old, and closes the old one with its last user', async () => {
    let now = 0;
    const shared = new SharedAgents({ maxAgeMs: 1000, keepIdleMs: 60_000, now: () => now });
    const old = shared.lease(PLAN, undefined);
    await get(old.agents);
    now = 1000;
    const fresh = shared.lease(PLAN, undefined);
    expect(fresh.agents).not.toBe(old.agents);
    // The old set still serves the user that holds it.
    await get(old.agents);
    expect(connections).toHaveLength(1);
    old.release();
    await closed(connections[0]!);
    fresh.release();
  });
});
