// The careful scripted user that the benchmarks compare the engine with, as a shell script
// with real processes per step: for each file `openssl dgst -sha256`, create the binary, one
// `curl -T` of the whole file as one part, `hashable`, `hashing`, a look every 100 ms until
// `signable`, then an Ed25519 signature of the hash with `openssl pkeyutl` and
// POST /binary_signatures. Also what every benchmark checks afterwards: each file became
// exactly one signed binary with its hash, none lost, none doubled.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { binariesOf, type Api, type Json } from '../integration/local-peridio/helpers.js';

/** The loop itself; `mark` lines (bash's own clock, no process) tell when each step ended. */
const SCRIPT = String.raw`#!/usr/bin/env bash
# Usage: scripted-loop.sh LIST WORKDIR, LIST holding "FILE<TAB>TARGET" lines. Environment:
# PERIDIO_BASE_URL, PERIDIO_API_KEY, ARTIFACT_VERSION_PRN, SIGNING_KEY_PEM, SIGNING_KEY_PRN.
set -euo pipefail
api() { # METHOD PATH [JSON BODY]
  local method=$1 url=$PERIDIO_BASE_URL$2
  shift 2
  if [ $# -gt 0 ]; then set -- -H 'content-type: application/json' --data-binary "$1"; fi
  curl --silent --show-error --fail-with-body -X "$method" \
    -H "authorization: Token $PERIDIO_API_KEY" -H 'x-api-version: 2' "$@" "$url"
}
echo "start - $EPOCHREALTIME"
while IFS=$'\t' read -r file target; do
  hash=$(openssl dgst -sha256 -r "$file" | cut -d' ' -f1)
  size=$(stat -c %s "$file")
  echo "hashed $target $EPOCHREALTIME"
  binary=$(api POST /binaries "$(printf '{"artifact_version_prn":"%s","target":"%s","hash":"%s","size":%s}' \
    "$ARTIFACT_VERSION_PRN" "$target" "$hash" "$size")" | jq -r .binary.prn)
  url=$(api PUT "/binaries/$binary/parts/1" "$(printf '{"expected_binary_size":%s,"hash":"%s","size":%s}' \
    "$size" "$hash" "$size")" | jq -r .binary_part.presigned_upload_url)
  checksum=$(xxd -r -p <<<"$hash" | base64)
  curl --silent --show-error --fail-with-body -T "$file" -H 'content-type: application/octet-stream' \
    -H "x-amz-checksum-sha256: $checksum" "$url" >/dev/null
  echo "uploaded $target $EPOCHREALTIME"
  api PATCH "/binaries/$binary" '{"state":"hashable"}' >/dev/null
  api PATCH "/binaries/$binary" '{"state":"hashing"}' >/dev/null
  while :; do
    state=$(api GET "/binaries/$binary" | jq -r .binary.state)
    case $state in
      signable) break ;;
      hashing) sleep 0.1 ;;
      *) echo "$file: the binary $binary is $state after hashing, not signable" >&2; exit 1 ;;
    esac
  done
  echo "signable $target $EPOCHREALTIME"
  printf %s "$hash" >"$2/hash"
  signature=$(openssl pkeyutl -sign -inkey "$SIGNING_KEY_PEM" -rawin -in "$2/hash" | xxd -p -c 64)
  api POST /binary_signatures "$(printf '{"binary_prn":"%s","signature":"%s","signing_key_prn":"%s"}' \
    "$binary" "$signature" "$SIGNING_KEY_PRN")" >/dev/null
  echo "signed $target $EPOCHREALTIME $binary"
done <"$1"
`;

export interface SigningKey {
  /** The PKCS#8 PEM private key file, as the Peridio CLI keeps it. */
  pem: string;
  prn: string;
}

/** A fresh Ed25519 key, registered with the server, its private key written to `dir`. */
export async function registerSigningKey(api: Api, dir: string, name: string): Promise<SigningKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const value = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
  const created = await api('POST', '/signing_keys', { name, value });
  if (created.status !== 201) throw new Error(`signing key: ${JSON.stringify(created.body)}`);
  const pem = path.join(dir, `${name}.pem`);
  await writeFile(pem, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return { pem, prn: created.body.signing_key.prn as string };
}

export interface LoopFile {
  path: string;
  target: string;
}

export interface LoopStep {
  step: 'hashed' | 'uploaded' | 'signable' | 'signed';
  target: string;
  /** Milliseconds since the script started. */
  atMs: number;
}

export interface LoopResult {
  /** From starting the script to its exit: every file signed. */
  totalMs: number;
  steps: LoopStep[];
  /** Each file's binary, by target. */
  binaries: Map<string, string>;
}

export interface LoopOptions {
  serverUrl: string;
  apiKey: string;
  artifactVersionPrn: string;
  signingKey: SigningKey;
  files: LoopFile[];
  /** A folder for the script, its file list and its scratch file. */
  workDir: string;
  /** Called as each step's line arrives (e.g. to sample CPU when the bytes are sent). */
  onStep?: (step: LoopStep) => void;
}

/** Runs the loop over `files` and times it; throws with the script's stderr when it fails. */
export async function runScriptedLoop(options: LoopOptions): Promise<LoopResult> {
  const script = path.join(options.workDir, 'scripted-loop.sh');
  const list = path.join(options.workDir, 'scripted-loop.list');
  await writeFile(script, SCRIPT, { mode: 0o755 });
  await writeFile(list, options.files.map((f) => `${f.path}\t${f.target}\n`).join(''));
  const started = performance.now();
  const child = spawn('bash', [script, list, options.workDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // EPOCHREALTIME uses the locale's decimal separator.
      LC_ALL: 'C',
      PERIDIO_BASE_URL: options.serverUrl,
      PERIDIO_API_KEY: options.apiKey,
      ARTIFACT_VERSION_PRN: options.artifactVersionPrn,
      SIGNING_KEY_PEM: options.signingKey.pem,
      SIGNING_KEY_PRN: options.signingKey.prn,
    },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const steps: LoopStep[] = [];
  const binaries = new Map<string, string>();
  let startSeconds = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    const [step, target, seconds, binary] = line.split(' ') as [string, string, string, string?];
    if (step === 'start') {
      startSeconds = Number(seconds);
      continue;
    }
    const mark = {
      step: step as LoopStep['step'],
      target,
      atMs: (Number(seconds) - startSeconds) * 1000,
    };
    steps.push(mark);
    options.onStep?.(mark);
    if (binary) binaries.set(target, binary);
  }
  const [code] = await exited;
  const totalMs = performance.now() - started;
  if (code !== 0) throw new Error(`the scripted loop exited ${code}: ${stderr}`);
  return { totalMs, steps, binaries };
}

/**
 * Throws unless the artifact version holds exactly one binary per expected target, each
 * signed with `signingKeyPrn` and holding the expected hash: nothing lost, nothing doubled.
 */
export async function checkSignedOnce(
  api: Api,
  versionPrn: string,
  expected: { target: string; hash: string }[],
  signingKeyPrn: string,
  what: string,
): Promise<Json[]> {
  const binaries = await binariesOf(api, versionPrn);
  const problems: string[] = [];
  const byTarget = new Map<string, Json[]>();
  for (const binary of binaries) {
    byTarget.set(binary.target, [...(byTarget.get(binary.target) ?? []), binary]);
  }
  for (const { target, hash } of expected) {
    const found = byTarget.get(target) ?? [];
    byTarget.delete(target);
    if (found.length !== 1) {
      problems.push(`${target}: ${found.length} binaries`);
      continue;
    }
    const [binary] = found as [Json];
    const signedBy = (binary.signatures ?? []).map((s: Json) => s.signing_key_prn);
    if (binary.state !== 'signed' || binary.hash !== hash || !signedBy.includes(signingKeyPrn)) {
      problems.push(`${target}: ${binary.state}, hash ${binary.hash}, signed by [${signedBy}]`);
    }
  }
  for (const [target, extra] of byTarget) problems.push(`${target}: ${extra.length} unexpected`);
  if (problems.length > 0) {
    throw new Error(
      `${what}: not every file became one signed binary:\n  ${problems.join('\n  ')}`,
    );
  }
  return binaries;
}
