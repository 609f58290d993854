// A private certificate authority and a server certificate it signed for 127.0.0.1 and
// localhost (and any further addresses asked for), made with openssl as an operator would: for the local server behind TLS, trusted
// only by clients given the CA's file (PERIDIO_CA_PATH, a profile's CA, curl --cacert).
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  dir: string;
  /** The CA's certificate: what clients trust. */
  caPath: string;
  /** The server's certificate, signed by the CA, for IP 127.0.0.1 (and more) and localhost. */
  certPath: string;
  keyPath: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${stderr ?? (error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Makes a new CA and server certificate in `dir` (a new temp folder when not given), the
 * certificate naming `ips` as well.
 */
export async function createTestCa(dir?: string, ips: string[] = []): Promise<TestCa> {
  const at = dir ?? (await mkdtemp(path.join(tmpdir(), 'peridio-test-ca-')));
  const file = (name: string) => path.join(at, name);
  await openssl([
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=peridio-desk test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await openssl([
    'req',
    ...EC_KEY,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await writeFile(
    file('server.ext'),
    [
      `subjectAltName=${['IP:127.0.0.1', ...ips.map((ip) => `IP:${ip}`), 'DNS:localhost'].join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  ]);
  return {
    dir: at,
    caPath: file('ca.pem'),
    certPath: file('server.pem'),
    keyPath: file('server.key'),
  };
}
