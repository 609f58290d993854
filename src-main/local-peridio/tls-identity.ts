// The certificate and key the local server serves https with (`local serve --tls-cert FILE
// --tls-key FILE`). Both are checked before the server starts, so that a wrong file is named in
// the error instead of showing up later as a handshake that every client fails.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { whyUnreadable } from '../files/index.js';

export interface TlsIdentity {
  /** PEM: the server's certificate first, then any intermediates. */
  cert: string;
  /** PEM: the certificate's private key, without a passphrase. */
  key: string;
}

/** What the certificate and the key are called in errors: option names or file names. */
export interface TlsIdentityLabels {
  cert: string;
  key: string;
}

/** A PEM certificate chain or key is a few KiB; anything this big is the wrong file. */
const MAX_PEM_BYTES = 1024 * 1024;

/** Throws an Error that names the file (or option) at fault and what to give instead. */
export function checkTlsIdentity(
  identity: TlsIdentity,
  labels: TlsIdentityLabels = { cert: 'tls.cert', key: 'tls.key' },
): void {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(identity.cert);
  } catch (error) {
    throw new Error(
      `${labels.cert} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----): ` +
        `${(error as Error).message}. Give the server's certificate in PEM.`,
      { cause: error },
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(identity.key);
  } catch (error) {
    throw new Error(
      `${labels.key} does not hold a PEM private key without a passphrase: ` +
        `${(error as Error).message}. Give the certificate's private key in PEM.`,
      { cause: error },
    );
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new Error(
      `${labels.key} is not the private key of the certificate in ${labels.cert} ` +
        `(${certificate.subject.replace(/\n/g, ', ')}). Give the key the certificate was made for.`,
    );
  }
  try {
    createSecureContext({ cert: identity.cert, key: identity.key });
  } catch (error) {
    throw new Error(
      `${labels.cert} and ${labels.key} cannot serve https: ${(error as Error).message}.`,
      { cause: error },
    );
  }
}

async function readPem(file: string, what: string): Promise<string> {
  const unreadable = (error: unknown) =>
    new Error(`The ${what} file ${file} ${whyUnreadable(error)}.`);
  const info = await stat(file).catch((error: unknown) => Promise.reject(unreadable(error)));
  if (!info.isFile()) throw new Error(`The ${what} file ${file} is not a file.`);
  if (info.size > MAX_PEM_BYTES) {
    throw new Error(`The ${what} file ${file} is ${info.size} bytes: too big to be PEM.`);
  }
  return readFile(file, 'utf8').catch((error: unknown) => Promise.reject(unreadable(error)));
}

/** Reads and checks a PEM certificate (chain) file and its private key file. */
export async function readTlsFiles(certFile: string, keyFile: string): Promise<TlsIdentity> {
  const identity = {
    cert: await readPem(certFile, 'TLS certificate'),
    key: await readPem(keyFile, 'TLS key'),
  };
  checkTlsIdentity(identity, { cert: certFile, key: keyFile });
  return identity;
}
