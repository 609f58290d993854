// `peridio-desk local serve`: runs the embedded Peridio-compatible server in the foreground.
// stdout carries exactly one JSON line, the ready event, so scripts and tests can read the
// URL (and a generated key); every log line goes to stderr.
import {
  jsonLinesLogger,
  parseFaultSpec,
  publicOriginOf,
  readTlsFiles,
  startLocalPeridio,
  type LocalPeridioOptions,
} from '../local-peridio/index.js';
import { localWorkspaceDir } from '../settings/index.js';
import { UsageError, type CliCommand } from './command.js';
import { parseOptions, wholeNumber } from './options.js';
import { waitForShutdownSignal } from './shutdown.js';

const USAGE = `Usage: peridio-desk local serve [options]

Runs the local Peridio-compatible server until SIGTERM or SIGINT. When it is ready it prints
one JSON line on stdout:
  {"event":"ready","url":"http://127.0.0.1:PORT","organization_prn":"prn:1:...","api_key":"..."}
(api_key only when one was generated because --api-key was not given; the url is https://
with --tls-cert and --tls-key).

Options:
  --data-dir DIR               where the database and content live
                               (default: the app's local workspace folder)
  --host HOST                  address to listen on (default 127.0.0.1)
  --port PORT                  port to listen on, 0 for any free one (default 0)
  --api-key KEY                accept this API key (added if new)
  --access-log FILE            append one JSON line per request to FILE
  --faults SPEC                inject faults, for tests: comma-separated key=value from
                               part500, partDrop, rate429, api503 (fractions 0..1), latencyMs,
                               hashDelayMs (milliseconds), seed
  --presigned-url-ttl SECONDS  lifetime of presigned URLs (default 3600)
  --public-url URL             where clients reach the server, for the URLs it hands out
                               (presigned uploads), e.g. behind a port mapping; default: the
                               address each request reached (never its Host header)
  --tls-cert FILE              serve https with this PEM certificate (chain); needs --tls-key
  --tls-key FILE               the certificate's PEM private key (no passphrase)

Example:
  peridio-desk local serve --data-dir ./workspace --port 4000 --api-key dev-key`;

/** The options, and the certificate files to read when https was asked for. */
export interface LocalServeArgs {
  options: LocalPeridioOptions;
  tlsFiles: { cert: string; key: string } | undefined;
}

export function parseLocalServeArgs(args: string[]): LocalServeArgs {
  const values = parseOptions(args, {
    'data-dir': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'api-key': { type: 'string' },
    'access-log': { type: 'string' },
    faults: { type: 'string' },
    'presigned-url-ttl': { type: 'string' },
    'public-url': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
  });
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError(
      certFile === undefined
        ? '--tls-key needs --tls-cert: give the certificate the key belongs to'
        : '--tls-cert needs --tls-key: give the private key of the certificate',
    );
  }
  if (values.faults !== undefined) {
    try {
      parseFaultSpec(values.faults);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  if (values['public-url'] !== undefined) {
    try {
      publicOriginOf(values['public-url']);
    } catch (error) {
      throw new UsageError(`--public-url: ${(error as Error).message}`);
    }
  }
  if (values['api-key'] !== undefined && !/^[\x21-\x7e]{1,512}$/.test(values['api-key'])) {
    throw new UsageError('--api-key must be 1 to 512 printable ASCII characters without spaces');
  }
  const options: LocalPeridioOptions = {
    dataDir: values['data-dir'] ?? localWorkspaceDir(),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(values.port !== undefined ? { port: wholeNumber('--port', values.port, 0, 65535) } : {}),
    ...(values['api-key'] !== undefined ? { apiKey: values['api-key'] } : {}),
    ...(values['access-log'] !== undefined ? { accessLogPath: values['access-log'] } : {}),
    ...(values.faults !== undefined ? { faults: values.faults } : {}),
    ...(values['public-url'] !== undefined ? { publicUrl: values['public-url'] } : {}),
    ...(values['presigned-url-ttl'] !== undefined
      ? {
          presignedUrlTtlSeconds: wholeNumber(
            '--presigned-url-ttl',
            values['presigned-url-ttl'],
            1,
            7 * 24 * 3600,
          ),
        }
      : {}),
  };
  return {
    options,
    tlsFiles:
      certFile !== undefined && keyFile !== undefined
        ? { cert: certFile, key: keyFile }
        : undefined,
  };
}

export const localServeCommand: CliCommand = {
  usage: USAGE,
  async run(args) {
    const { options, tlsFiles } = parseLocalServeArgs(args);
    const tls = tlsFiles && (await readTlsFiles(tlsFiles.cert, tlsFiles.key));
    const logger = jsonLinesLogger(process.stderr);
    const server = await startLocalPeridio({ ...options, ...(tls ? { tls } : {}), logger });
    process.stdout.write(
      `${JSON.stringify({
        event: 'ready',
        url: server.url,
        organization_prn: server.organizationPrn,
        ...(server.generatedApiKey ? { api_key: server.apiKey } : {}),
      })}\n`,
    );
    const signal = await waitForShutdownSignal();
    logger.info('stopping', { signal });
    await server.close();
    return 0;
  },
};
