// NO_PROXY as curl reads it: comma- or space-separated entries, case-insensitive; `*` alone
// bypasses every host; a name matches itself and its subdomains (a leading `.` or `*.` changes
// nothing); `name:port` matches that port only; an IP address or CIDR block matches hosts
// written as IP literals (no DNS lookup, as in curl).
import { BlockList, isIP } from 'node:net';

interface NameEntry {
  kind: 'name';
  name: string;
  port: number | undefined;
}

interface AddressEntry {
  kind: 'address';
  block: BlockList;
  port: number | undefined;
}

type Entry = NameEntry | AddressEntry;

export interface NoProxyList {
  /** `*`: nothing goes through a proxy. */
  readonly everything: boolean;
  readonly entries: readonly Entry[];
}

/** The host without IPv6 brackets or a trailing dot, lowercased. */
function bareHost(host: string): string {
  return host
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** `host:port`, `[v6]:port`, `v6`, `host`, `net/bits`: the host part and the port, if any. */
function splitPort(entry: string): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: portOf(bracketed[2]) };
  // More than one colon without brackets: an IPv6 address (or block), never with a port.
  if (entry.indexOf(':') !== entry.lastIndexOf(':')) return { host: entry, port: undefined };
  const [host, port] = entry.split(':');
  return { host: host!, port: portOf(port) };
}

function portOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return undefined;
  return Number(text);
}

function addressEntry(host: string, port: number | undefined): AddressEntry | undefined {
  const [address, bitsText] = host.split('/');
  const family = isIP(address ?? '');
  if (family === 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const block = new BlockList();
  if (bitsText === undefined) {
    block.addAddress(address!, type);
  } else {
    const bits = Number(bitsText);
    if (!/^\d{1,3}$/.test(bitsText) || bits > (family === 4 ? 32 : 128)) return undefined;
    block.addSubnet(address!, bits, type);
  }
  return { kind: 'address', block, port };
}

export function parseNoProxy(text: string | undefined): NoProxyList {
  const words = (text ?? '').split(/[\s,]+/).filter((word) => word !== '');
  if (words.includes('*')) return { everything: true, entries: [] };
  const entries: Entry[] = [];
  for (const word of words) {
    const { host, port } = splitPort(word);
    const bare = bareHost(host);
    const address = addressEntry(bare, port);
    if (address !== undefined) {
      entries.push(address);
      continue;
    }
    const name = bare.replace(/^\*?\./, '');
    if (name !== '') entries.push({ kind: 'name', name, port });
  }
  return { everything: false, entries };
}

function defaultPort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Whether NO_PROXY sends `url` straight to its server. */
export function bypassesProxy(list: NoProxyList, url: URL): boolean {
  if (list.everything) return true;
  const host = bareHost(url.hostname);
  const port = defaultPort(url);
  const family = isIP(host);
  return list.entries.some((entry) => {
    if (entry.port !== undefined && entry.port !== port) return false;
    if (entry.kind === 'address') {
      return family !== 0 && entry.block.check(host, family === 4 ? 'ipv4' : 'ipv6');
    }
    return host === entry.name || host.endsWith(`.${entry.name}`);
  });
}
