// Runs `peridio-desk` as its own process (so kill -9 hits the uploader itself) against a
// spawned local server, with a throwaway data folder for the queue.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT, TEST_VECTOR, type Api, type Json } from '../local-peridio/helpers.js';

export interface CliRun {
  child: ChildProcess;
  /** stdout lines as they come (JSON parsed when they are JSON). */
  lines: Json[];
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves with the first line that `match` accepts. */
  waitForLine(match: (line: Json) => boolean, timeoutMs?: number): Promise<Json>;
}

/** Another user to run the command as (tests run as root, who may read every file). */
export interface RunAs {
  uid: number;
  gid: number;
}

export function startCli(
  args: string[],
  env: Record<string, string>,
  stdin = '',
  as?: RunAs,
): CliRun {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'src-main/cli/bin.ts'), ...args],
    {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      ...(as ? { uid: as.uid, gid: as.gid } : {}),
    },
  );
  child.stdin!.end(stdin);
  const lines: Json[] = [];
  const listeners: ((line: Json) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: Json = text;
    try {
      line = JSON.parse(text);
    } catch {
      // A line for people: kept as text.
    }
    lines.push(line);
    for (const listener of listeners) listener(line);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLine(match, timeoutMs = 30_000) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching line in ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        listeners.push((line) => {
          if (match(line)) {
            clearTimeout(timer);
            resolve(line);
          }
        });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`the command exited before a matching line; stderr: ${stderr}`));
        });
      });
    },
  };
}

export async function runCli(args: string[], env: Record<string, string>, stdin = '', as?: RunAs) {
  const run = startCli(args, env, stdin, as);
  const code = await run.exited;
  return { code, lines: run.lines, stderr: run.stderr(), last: run.lines.at(-1) };
}

/** The contract page's test vector key as the PEM file the Peridio CLI would keep. */
export async function writeTestVectorPem(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'signing-key.pem');
  await writeFile(file, TEST_VECTOR.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
    mode: 0o600,
  });
  return file;
}

/** A fresh Ed25519 key registered with the server as `name`, and its private key as a PEM file. */
export async function registerNewSigningKey(
  api: Api,
  dir: string,
  name: string,
): Promise<{ prn: string; pem: string }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const value = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
  const created = await api('POST', '/signing_keys', { name, value });
  await mkdir(dir, { recursive: true });
  const pem = path.join(dir, `${name}.pem`);
  await writeFile(pem, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return { prn: created.body.signing_key.prn, pem };
}

/**
 * The user `nobody`, with a home and a data folder of its own, to run the command as one who
 * may not read every file; undefined (and the reason printed) when tests do not run as root.
 */
export async function nobodyUser(
  dir: string,
): Promise<{ as: RunAs; env: Record<string, string> } | undefined> {
  if (process.getuid?.() !== 0) {
    console.log('skipped: only root can run the command as another user');
    return undefined;
  }
  const as = { uid: 65534, gid: 65534 };
  const home = path.join(dir, 'nobody-home');
  await mkdir(path.join(home, 'desk'), { recursive: true });
  await chmod(dir, 0o755);
  await chown(home, as.uid, as.gid);
  await chown(path.join(home, 'desk'), as.uid, as.gid);
  // Not root's session bus (nobody may not use it), nor root's home.
  return {
    as,
    env: {
      HOME: home,
      PERIDIO_DESK_DATA_DIR: path.join(home, 'desk'),
      DBUS_SESSION_BUS_ADDRESS: '',
    },
  };
}
