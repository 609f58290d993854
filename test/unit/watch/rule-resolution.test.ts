// What a rule says about one file it took: the target (fixed, read from the header, or taken
// from the path) and the artifact version (a fixed PRN, or named by the path).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  resolveArtifactVersion,
  resolveTarget,
  type WatchRule,
} from '../../../src-main/watch/index.js';
import { elf } from '../targets/build-headers.js';
import { ARTIFACT_PRN, VERSION_PRN } from './watch-rule-fixtures.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'rule-resolution-'));
  await mkdir(path.join(folder, '1.4.0', 'aarch64-unknown-linux-gnu'), { recursive: true });
  await writeFile(
    path.join(folder, 'agent'),
    Buffer.concat([elf({ is64: true, little: true, machine: 183 }), Buffer.alloc(1000)]),
  );
  await writeFile(path.join(folder, 'rootfs.img'), 'hsqs and not a program');
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function rule(changes: Partial<WatchRule> = {}): WatchRule {
  return {
    name: 'nightly',
    folder,
    recursive: true,
    include: ['**/*'],
    exclude: [],
    artifactVersionPrn: VERSION_PRN,
    artifactVersion: null,
    target: 'auto',
    signingKey: null,
    replace: false,
    spool: true,
    settleMs: 2000,
    paused: false,
    ...changes,
  };
}

describe('resolveTarget', () => {
  it('gives a fixed target as it is', async () => {
    expect(
      await resolveTarget(rule({ target: 'x86_64-pc-windows-msvc' }), path.join(folder, 'x')),
    ).toEqual({
      ok: true,
      target: 'x86_64-pc-windows-msvc',
      evidence: 'the rule "nightly" says it',
    });
  });

  it('reads the target from an ELF header with "auto"', async () => {
    expect(await resolveTarget(rule(), path.join(folder, 'agent'))).toEqual({
      ok: true,
      target: 'aarch64-unknown-linux-gnu',
      evidence: 'ELF 64-bit ARM aarch64, System V ABI (taken as Linux)',
    });
  });

  it('passes on why "auto" cannot tell, naming the file, and says what to do', async () => {
    const image = path.join(folder, 'rootfs.img');
    expect(await resolveTarget(rule(), image)).toEqual({
      ok: false,
      message:
        `Cannot tell the target of ${image}: it is a squashfs file system, which says nothing ` +
        'of the target of what it holds; give the target. Give the rule "nightly" a fixed target, or ' +
        '{"fromPath": "..."} to take it from the path.',
    });
  });

  it('says when a file for "auto" cannot be read', async () => {
    const gone = path.join(folder, 'gone.bin');
    const resolved = await resolveTarget(rule(), gone);
    expect(resolved.ok).toBe(false);
    if (!resolved.ok) expect(resolved.message).toMatch(`Cannot read ${gone} to tell its target (`);
  });

  it('takes the target from the path with a pattern', async () => {
    const byPath = rule({ target: { fromPath: '^[^/]+/(?<target>[^/]+)/' } });
    const file = path.join(folder, '1.4.0', 'aarch64-unknown-linux-gnu', 'agent');
    expect(await resolveTarget(byPath, file)).toEqual({
      ok: true,
      target: 'aarch64-unknown-linux-gnu',
      evidence: 'from the path, by the pattern ^[^/]+/(?<target>[^/]+)/',
    });
    expect(await resolveTarget(byPath, path.join(folder, 'agent'))).toEqual({
      ok: false,
      message:
        `The path "agent" (in ${folder}) does not match the target pattern ` +
        '^[^/]+/(?<target>[^/]+)/ of the rule "nightly". Change the pattern, or put the file ' +
        'where the pattern expects it.',
    });
  });

  it('refuses a target from the path that could not be one', async () => {
    const byPath = rule({ target: { fromPath: '^(?<target>[^/]*)/' } });
    const resolved = await resolveTarget(byPath, path.join(folder, 'my builds', 'agent'));
    expect(resolved).toEqual({
      ok: false,
      message: expect.stringContaining(
        'gives the target "my builds" through the pattern ^(?<target>[^/]*)/ of the rule ' +
          '"nightly", but a target is 1 to 128 characters without spaces.',
      ),
    });
  });
});

describe('resolveArtifactVersion', () => {
  // A function: the folder exists only once beforeAll has run.
  const byPath = () =>
    rule({
      artifactVersionPrn: null,
      artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?<version>[^/]+)/' },
    });

  it('gives a fixed version PRN as it is', () => {
    expect(resolveArtifactVersion(rule(), path.join(folder, 'agent'))).toEqual({
      kind: 'prn',
      prn: VERSION_PRN,
    });
  });

  it('names the version to find or create from the path', () => {
    expect(resolveArtifactVersion(byPath(), path.join(folder, '1.4.0', 'arm', 'agent'))).toEqual({
      kind: 'create',
      artifactPrn: ARTIFACT_PRN,
      version: '1.4.0',
    });
  });

  it('says when the path does not give a version', () => {
    expect(resolveArtifactVersion(byPath(), path.join(folder, 'agent'))).toEqual({
      kind: 'error',
      message:
        `The path "agent" (in ${folder}) does not match the version pattern ^(?<version>[^/]+)/ ` +
        'of the rule "nightly". Change the pattern, or put the file where the pattern expects it.',
    });
    const optional = rule({
      artifactVersionPrn: null,
      artifactVersion: { artifactPrn: ARTIFACT_PRN, fromPath: '^(?:v(?<version>[^/]+)/)?' },
    });
    expect(resolveArtifactVersion(optional, path.join(folder, 'agent'))).toMatchObject({
      kind: 'error',
      message: expect.stringContaining(
        'matches the version pattern ^(?:v(?<version>[^/]+)/)?, but not its group "version", ' +
          'of the rule "nightly".',
      ),
    });
    expect(resolveArtifactVersion(byPath(), path.resolve('/elsewhere/1.0/agent'))).toEqual({
      kind: 'error',
      message: `${path.resolve('/elsewhere/1.0/agent')} is not inside the folder ${folder} of the rule "nightly".`,
    });
  });

  it('reads Windows paths with "/" between folders', () => {
    const windowsRule = { ...byPath(), folder: 'C:\\Builds' };
    expect(
      resolveArtifactVersion(windowsRule, 'C:\\Builds\\2.0.1\\x86\\app.exe', {
        pathApi: path.win32,
      }),
    ).toEqual({ kind: 'create', artifactPrn: ARTIFACT_PRN, version: '2.0.1' });
  });
});
