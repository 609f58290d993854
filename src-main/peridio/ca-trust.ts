// Extra CA certificates for servers behind a private CA (a profile's `caPath`), always added to
// the system trust, never replacing it: a profile that names its company CA must still reach
// public hosts.
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';
import { PeridioError } from './errors.js';
import { readRegularFileSync, whyUnreadable } from '../files/index.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export interface ExtraCaSources {
  /** PEM text; one string may hold several certificates. */
  caPems?: readonly string[];
  /** Files of PEM certificates. */
  caPath?: string | readonly string[];
}

function invalidCa(message: string, cause?: unknown): PeridioError {
  return new PeridioError({ code: 'invalid_ca', message, cause });
}

/** Splits PEM text into certificates, checking that each one parses. */
function certificatesIn(pem: string, source: string): string[] {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw invalidCa(
      `${source} holds no PEM certificate (expected "-----BEGIN CERTIFICATE-----"). ` +
        'Point the CA setting at the PEM file of your certificate authority.',
    );
  }
  return blocks.map((block, index) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw invalidCa(
        `${source}: certificate ${index + 1} of ${blocks.length} cannot be read ` +
          `(${(error as Error).message}). Replace it with a valid PEM certificate.`,
        error,
      );
    }
    return block;
  });
}

function readCaFile(path: string): string {
  try {
    return readRegularFileSync(path).toString('utf8');
  } catch (error) {
    throw invalidCa(
      `The CA certificate file "${path}" ${whyUnreadable(error)}. Check the CA file setting (a profile's CA path, or PERIDIO_CA_PATH).`,
      error,
    );
  }
}

/** Reads and checks the extra certificates; throws a PeridioError naming the bad source. */
export function loadExtraCaCertificates(sources: ExtraCaSources): string[] {
  const paths =
    sources.caPath === undefined
      ? []
      : typeof sources.caPath === 'string'
        ? [sources.caPath]
        : sources.caPath;
  return [
    ...(sources.caPems ?? []).flatMap((pem, index) =>
      certificatesIn(pem, `Extra CA certificate ${index + 1}`),
    ),
    ...paths.flatMap((path) =>
      certificatesIn(readCaFile(path), `The CA certificate file "${path}"`),
    ),
  ];
}

/**
 * The `ca` option for TLS: the bundled system roots followed by the extra certificates, or
 * undefined when there are none so that Node keeps its own defaults untouched.
 */
export function trustedCertificates(extra: readonly string[]): string[] | undefined {
  if (extra.length === 0) return undefined;
  // Loaded here, not at start: node:tls costs every command about 4 ms to load.
  const { rootCertificates } = createRequire(import.meta.url)('node:tls') as typeof Tls;
  return [...rootCertificates, ...extra];
}
