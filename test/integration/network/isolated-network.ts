// An isolated network for tests that need a real one: a network namespace joined to this
// machine by a veth pair, each end with an address of its own /30. What listens inside on
// 127.0.0.1 cannot be reached from here at all, only through something that listens on the
// namespace's veth address (a proxy). Needs root and iproute2, as CI and the development
// machines have; where a namespace cannot be made, the tests that need one skip and say why.
//
// Names carry a slot and the owner's pid (`pdesk-<slot>-<pid>`, veths `pdesk<slot>h` and
// `pdesk<slot>n`): the slot keeps parallel test files apart (a veth name is taken atomically),
// and the pid lets the next run remove what a killed run left behind without touching the
// networks of test files still running.
import {
  execFile,
  spawn,
  spawnSync,
  type ChildProcess,
  type SpawnOptions,
} from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

const PREFIX = 'pdesk';
const NAMESPACE_NAME = /^pdesk-(\d+)-(\d+)$/;
/** 16,384 /30 subnets; a private range unlikely to be routed anywhere on a test machine. */
const SUBNET = '10.213.0.0/16';
const SLOTS = 16_384;

export interface IsolatedNetwork {
  /** The namespace's name, for `ip netns exec`. */
  readonly namespace: string;
  /** This machine's end of the veth pair (where an upload leaves towards the namespace). */
  readonly hostInterface: string;
  readonly namespaceInterface: string;
  readonly hostAddress: string;
  /** The namespace's only address reachable from this machine. */
  readonly namespaceAddress: string;
  /** Starts `command` inside the namespace; `ip netns exec` execs it, so the pid is its own. */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command` inside the namespace to completion; answers its stdout. */
  run(command: string, args: string[]): Promise<string>;
  /**
   * A port for a service inside the namespace that nothing listens on at this machine's
   * 127.0.0.1, below the ephemeral range (so no client socket here takes it later): a
   * connection to it from here is refused rather than reaching something else.
   */
  freePort(): Promise<number>;
  /**
   * Caps the link: `tc qdisc replace dev VETH root tbf rate RATE burst 64kb latency 50ms` on
   * this machine's end (uploads, towards the namespace); `bothWays` caps downloads too.
   * RATE is tc's syntax: `20mbit`, `5mbps` (bytes), `800kbit`.
   */
  limitRate(rate: string, options?: { bothWays?: boolean }): Promise<void>;
  clearRateLimit(): Promise<void>;
  /** Kills what runs inside, removes the veth pair and the namespace. Safe to call twice. */
  destroy(): Promise<void>;
}

async function ip(args: string[], command = 'ip'): Promise<string> {
  try {
    return (await execFileAsync(command, args)).stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed: ${stderr?.trim() || (error as Error).message}`,
      { cause: error },
    );
  }
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

let skipReason: string | null | undefined;

/**
 * Why isolated networks cannot be made here, or undefined when they can: checked once, by
 * making (and removing) a namespace. `commands` are further programs the caller needs.
 */
export function isolatedNetworkSkipReason(commands: readonly string[] = []): string | undefined {
  skipReason ??= probeNamespaces();
  if (skipReason !== null) return skipReason;
  const missing = commands.filter((command) => !onPath(command));
  if (missing.length > 0) {
    return `${missing.join(', ')} not installed (apt-get install ${missing.join(' ')}; .ci/run does)`;
  }
  return undefined;
}

function probeNamespaces(): string | null {
  if (process.platform !== 'linux')
    return `network namespaces are Linux only (this is ${process.platform})`;
  const uid = process.getuid?.();
  if (uid !== 0) return `network namespaces need root (ip netns add); running as uid ${uid}`;
  if (!onPath('ip')) return 'the ip command is not installed (apt-get install iproute2)';
  if (!onPath('tc')) return 'the tc command is not installed (apt-get install iproute2)';
  const probe = `${PREFIX}-probe-${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (made.status !== 0) {
    return `cannot create a network namespace: ${made.stderr.trim() || made.error?.message}`;
  }
  spawnSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  return null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killAllInside(namespace: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', namespace], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

/** Removes a namespace and its veth pair, synchronously (also from an exit handler). */
function removeSync(namespace: string, hostInterface: string): void {
  killAllInside(namespace);
  // Deleting one end deletes the pair at once; deleting the namespace alone would leave the
  // kernel to do it later, racing the next test's addresses.
  spawnSync('ip', ['link', 'del', hostInterface], { stdio: 'ignore' });
  spawnSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
}

let staleRemoved = false;

/** Namespaces of ours whose owner process is gone: a run that was killed before its teardown. */
function removeStaleNetworks(): void {
  if (staleRemoved) return;
  staleRemoved = true;
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of listed.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = NAMESPACE_NAME.exec(name);
    if (match === null || alive(Number(match[2]))) continue;
    removeSync(name, `${PREFIX}${match[1]}h`);
  }
}

const live = new Map<string, string>();
process.on('exit', () => {
  for (const [namespace, hostInterface] of live) removeSync(namespace, hostInterface);
});

function addressesOf(slot: number): { host: string; inside: string } {
  const third = slot >> 6;
  const fourth = (slot & 63) * 4;
  return { host: `10.213.${third}.${fourth + 1}`, inside: `10.213.${third}.${fourth + 2}` };
}

/** Addresses of SUBNET on this machine that are not ours: then the range is someone's. */
async function checkSubnetIsFree(): Promise<void> {
  const lines = (await ip(['-4', '-o', 'addr', 'show', 'to', SUBNET])).split('\n').filter(Boolean);
  const foreign = lines.filter((line) => !line.split(/\s+/)[1]?.startsWith(PREFIX));
  if (foreign.length > 0) {
    throw new Error(
      `The test network range ${SUBNET} is in use on this machine (${foreign.join('; ')}); ` +
        'the network tests need it free.',
    );
  }
}

const usedSlots = new Set<number>();

function lowestEphemeralPort(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return Number(low) || 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether something on this machine's 127.0.0.1 accepts connections on `port`. */
function answersHere(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Makes a namespace joined to this machine by its own veth pair and /30. */
export async function createIsolatedNetwork(): Promise<IsolatedNetwork> {
  const reason = isolatedNetworkSkipReason();
  if (reason !== undefined) throw new Error(`No isolated network: ${reason}`);
  removeStaleNetworks();
  await checkSubnetIsFree();
  for (let tries = 0; tries < 50; tries += 1) {
    const slot = Math.floor(Math.random() * SLOTS);
    if (usedSlots.has(slot)) continue;
    const namespace = `${PREFIX}-${slot}-${process.pid}`;
    const hostInterface = `${PREFIX}${slot}h`;
    const namespaceInterface = `${PREFIX}${slot}n`;
    await ip(['netns', 'add', namespace]);
    live.set(namespace, hostInterface);
    try {
      // Atomic: a veth name another test file holds makes this fail, and the slot is skipped.
      await ip([
        'link',
        'add',
        hostInterface,
        'type',
        'veth',
        'peer',
        'name',
        namespaceInterface,
        'netns',
        namespace,
      ]);
    } catch (error) {
      live.delete(namespace);
      spawnSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
      if (/File exists/i.test((error as Error).message)) continue;
      throw error;
    }
    usedSlots.add(slot);
    const network = makeNetwork(namespace, hostInterface, namespaceInterface, addressesOf(slot));
    try {
      await ip(['addr', 'add', `${network.hostAddress}/30`, 'dev', hostInterface]);
      await ip(['link', 'set', hostInterface, 'up']);
      await network.run('ip', [
        'addr',
        'add',
        `${network.namespaceAddress}/30`,
        'dev',
        namespaceInterface,
      ]);
      await network.run('ip', ['link', 'set', namespaceInterface, 'up']);
      await network.run('ip', ['link', 'set', 'lo', 'up']);
    } catch (error) {
      await network.destroy();
      throw error;
    }
    return network;
  }
  throw new Error('No free slot for an isolated network after 50 tries.');
}

function makeNetwork(
  namespace: string,
  hostInterface: string,
  namespaceInterface: string,
  addresses: { host: string; inside: string },
): IsolatedNetwork {
  const children = new Set<ChildProcess>();
  const ports = new Set<number>();
  const lowEphemeral = lowestEphemeralPort();
  const inside = (command: string, args: string[]) => [
    'netns',
    'exec',
    namespace,
    command,
    ...args,
  ];
  let destroyed = false;
  return {
    namespace,
    hostInterface,
    namespaceInterface,
    hostAddress: addresses.host,
    namespaceAddress: addresses.inside,
    spawn(command, args, options = {}) {
      if (destroyed) throw new Error(`The network ${namespace} was destroyed.`);
      const child = spawn('ip', inside(command, args), options);
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    run: (command, args) => ip(inside(command, args)),
    async freePort() {
      const low = Math.min(10_000, lowEphemeral - 1000);
      for (let tries = 0; tries < 100; tries += 1) {
        const port = low + Math.floor(Math.random() * (lowEphemeral - low));
        if (ports.has(port) || (await answersHere(port))) continue;
        ports.add(port);
        return port;
      }
      throw new Error(`No free port below ${lowEphemeral} on 127.0.0.1 after 100 tries.`);
    },
    async limitRate(rate, { bothWays = false } = {}) {
      const tbf = ['root', 'tbf', 'rate', rate, 'burst', '64kb', 'latency', '50ms'];
      await ip(['qdisc', 'replace', 'dev', hostInterface, ...tbf], 'tc');
      if (bothWays) await ip(inside('tc', ['qdisc', 'replace', 'dev', namespaceInterface, ...tbf]));
    },
    async clearRateLimit() {
      // Deleting the root qdisc where there is none fails; either way there is no cap after.
      await ip(['qdisc', 'del', 'dev', hostInterface, 'root'], 'tc').catch(() => undefined);
      await ip(inside('tc', ['qdisc', 'del', 'dev', namespaceInterface, 'root'])).catch(
        () => undefined,
      );
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await Promise.all(
        [...children].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
      removeSync(namespace, hostInterface);
      live.delete(namespace);
    },
  };
}
