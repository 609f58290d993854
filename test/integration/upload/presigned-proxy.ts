// A tiny TCP proxy in front of the local server for the transfer tests. The server is started
// with the proxy's URL as its public URL (`--public-url`, as behind a port mapping), so its
// presigned URLs name the proxy, a worker that talks to the API through this proxy also PUTs
// its parts through it, and the proxy can treat each part PUT the way a
// bad network would: hold it without reading (a stall), hold it before passing it on (so that
// its URL expires), pass its bytes on slowly (a slow link that still moves), or cut it at once
// (a link that is down). It also notes when each piece of a part PUT arrived, so a test can
// measure the rate the server was sent.
import net from 'node:net';
import { expect } from 'vitest';

export type PutTreatment =
  | { kind: 'pass' }
  | { kind: 'stall' }
  /**
   * `oneRequest`: the connection ends after the server's first answer, so that the uploader's
   * next PUT comes on a new connection and is held too, instead of riding this one.
   */
  | { kind: 'delay'; ms: number; oneRequest?: boolean }
  | { kind: 'drop' }
  | { kind: 'throttle'; bytesPerSecond: number };

/** A connection whose first request was a part PUT; later requests on it are treated alike. */
export interface ProxiedPut {
  /** 1 for the first such connection. */
  number: number;
  treatment: PutTreatment;
  openedAt: number;
  /**
   * When the proxy saw the uploader close the connection. A connection that is not being read
   * (a stall) shows it only once it is read again, so this stays undefined for those.
   */
  closedAt: number | undefined;
}

/** A piece of a part PUT (head and body) as it reached the proxy. */
export interface ArrivedBytes {
  /** performance.now() in the test's thread. */
  at: number;
  bytes: number;
}

/**
 * Bytes per second that arrived after `from` up to `to` (performance.now() times): from the
 * first byte to the last one unless given. The piece that arrived at `from` came before.
 */
export function arrivalRate(arrived: readonly ArrivedBytes[], from?: number, to?: number): number {
  const start = from ?? arrived[0]!.at;
  const end = to ?? arrived.at(-1)!.at;
  const bytes = arrived
    .filter((piece) => piece.at > start && piece.at <= end)
    .reduce((sum, piece) => sum + piece.bytes, 0);
  return bytes / ((end - start) / 1000);
}

/** A measured rate is within 10 % of the cap, said in MB/s when it is not. */
export function expectWithinTenPercent(rate: number, cap: number): void {
  const said = `${(rate / 1e6).toFixed(2)} MB/s against a cap of ${cap / 1e6} MB/s`;
  expect(rate / cap, said).toBeGreaterThan(0.9);
  expect(rate / cap, said).toBeLessThan(1.1);
}

export interface PresignedProxy {
  url: string;
  /** Where the proxy passes connections on: the server, once it has started. */
  forwardTo(serverUrl: string): void;
  puts: ProxiedPut[];
  /** Every piece of every part PUT, in the order they arrived. */
  arrived: ArrivedBytes[];
  close(): Promise<void>;
}

/** Listens first: the server it stands in front of is told its URL, then named with forwardTo. */
/**
 * The answer, saying the connection closes after it: the uploader must not send its next
 * request on a connection the proxy is ending (a busy machine may do so before it sees the
 * end, and counts a network failure the test did not set up).
 */
function closingConnection(answer: Buffer): Buffer {
  const text = answer.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return answer;
  const head = text
    .slice(0, headEnd)
    .split('\r\n')
    .filter((line) => !/^connection:/i.test(line))
    .concat('connection: close')
    .join('\r\n');
  return Buffer.from(`${head}${text.slice(headEnd)}`, 'latin1');
}

export async function startPresignedProxy(
  treat: (putNumber: number) => PutTreatment,
): Promise<PresignedProxy> {
  let target: URL | undefined;
  const sockets = new Set<net.Socket>();
  const puts: ProxiedPut[] = [];
  const arrived: ArrivedBytes[] = [];
  const track = (socket: net.Socket): net.Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    return socket;
  };

  const connectUpstream = (
    client: net.Socket,
    head: Buffer,
    rate: number | undefined,
    oneRequest = false,
  ): void => {
    if (target === undefined)
      throw new Error('the presigned proxy was given no server (forwardTo)');
    const upstream = track(net.connect(Number(target.port), target.hostname));
    let answered = false;
    // Once the answer is handed on, the client's side ends by itself (end, not destroy, so
    // that the answer is flushed first).
    upstream.on('close', () => answered || client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.write(head);
    if (oneRequest) {
      // Error answers are short: the first chunk is the whole answer, then the connection ends.
      upstream.once('data', (chunk: Buffer) => {
        answered = true;
        client.end(closingConnection(chunk));
        upstream.destroy();
      });
      client.pipe(upstream);
      return;
    }
    upstream.pipe(client);
    if (rate === undefined) {
      client.pipe(upstream);
      return;
    }
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      client.pause();
      setTimeout(() => client.resume(), (chunk.length / rate) * 1000);
    });
    client.resume();
  };

  const server = net.createServer((client) => {
    track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (!head.includes('\r\n')) return; // the request line decides
      client.off('data', onData);
      client.pause();
      if (!head.toString('latin1').startsWith('PUT /presigned/')) {
        connectUpstream(client, head, undefined);
        return;
      }
      arrived.push({ at: performance.now(), bytes: head.length });
      // Noted as the bytes are read, so a held connection shows nothing until it is read.
      client.on('data', (piece: Buffer) =>
        arrived.push({ at: performance.now(), bytes: piece.length }),
      );
      const number = puts.length + 1;
      const treatment = treat(number);
      const put: ProxiedPut = { number, treatment, openedAt: Date.now(), closedAt: undefined };
      puts.push(put);
      client.on('close', () => {
        put.closedAt = Date.now();
      });
      switch (treatment.kind) {
        case 'stall':
          return; // paused: nothing is read, nothing is answered
        case 'drop':
          client.destroy();
          return;
        case 'delay':
          setTimeout(
            () => connectUpstream(client, head, undefined, treatment.oneRequest),
            treatment.ms,
          );
          return;
        case 'throttle':
          connectUpstream(client, head, treatment.bytesPerSecond);
          return;
        case 'pass':
          connectUpstream(client, head, undefined);
      }
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    forwardTo(serverUrl) {
      target = new URL(serverUrl);
    },
    url: `http://127.0.0.1:${port}`,
    puts,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
