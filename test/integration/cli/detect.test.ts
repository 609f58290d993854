// `peridio-desk detect` as a process: each file's target and evidence, or why it has none,
// for people and as one JSON object per file; exit 1 when some file has none. Real files from
// the target corpus when it is there (scripts/fetch-target-corpus.sh), built headers always.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../local-peridio/helpers.js';
import { arm64Image, elf, tar } from '../../unit/targets/build-headers.js';
import { runCli } from '../upload-engine/cli-harness.js';
import { CORPUS_MISSING, corpusFile, corpusReady } from '../../target-corpus.js';

if (!corpusReady) console.log(`Skipping detect on real files: ${CORPUS_MISSING}.`);

let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = await tempDir('cli-detect-');
  env = { PERIDIO_DESK_DATA_DIR: path.join(dir, 'desk'), PERIDIO_PROFILE: '' };
  await writeFile(
    path.join(dir, 'agent'),
    elf({ is64: true, little: true, machine: 183, osAbi: 3 }),
  );
  await writeFile(path.join(dir, 'Image'), arm64Image({ efiStub: true }));
  await writeFile(path.join(dir, 'rootfs.tar'), tar());
});

describe('peridio-desk detect', () => {
  it('prints each file’s target and evidence, and exits 0 when every file has one', async () => {
    const { code, lines, stderr } = await runCli(['detect', at('agent'), at('Image')], env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(lines).toEqual([
      `${at('agent')}: aarch64-unknown-linux-gnu (ELF 64-bit ARM aarch64, Linux)`,
      `${at('Image')}: aarch64-unknown-linux-gnu (Linux kernel image (arm64 Image, EFI stub), aarch64)`,
    ]);
  });

  it('says why a file has none, and exits 1', async () => {
    const { code, lines } = await runCli(
      ['detect', at('agent'), at('rootfs.tar'), at('missing.bin')],
      env,
    );
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/: aarch64-unknown-linux-gnu \(/);
    expect(lines[1]).toBe(
      `Cannot tell the target of ${at('rootfs.tar')}: it is a tar archive, which says nothing of ` +
        'the target of what it holds; give the target.',
    );
    expect(lines[2]).toMatch(
      new RegExp(`${at('missing.bin')}.*(no such file|does not exist)`, 'i'),
    );
  });

  it('prints one JSON object per file with --json', async () => {
    const { code, lines } = await runCli(['detect', '--json', at('Image'), at('rootfs.tar')], env);
    expect(code).toBe(1);
    expect(lines).toEqual([
      {
        path: at('Image'),
        ok: true,
        target: 'aarch64-unknown-linux-gnu',
        evidence: 'Linux kernel image (arm64 Image, EFI stub), aarch64',
      },
      { path: at('rootfs.tar'), ok: false, reason: expect.stringMatching(/it is a tar archive/) },
    ]);
  });

  it('is a usage mistake without a file', async () => {
    const { code, stderr } = await runCli(['detect'], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(/give the FILE\(s\)[\s\S]*Usage: peridio-desk detect FILE/);
  });

  it('is listed in --help', async () => {
    const { lines } = await runCli(['--help'], env);
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}detect +print the target of each file/),
    );
  });

  it.skipIf(!corpusReady)('reads Debian’s arm64 busybox and amd64 kernel', async () => {
    const files = ['busybox-arm64', 'vmlinuz-amd64'].map(corpusFile);
    const { code, lines } = await runCli(['detect', ...files], env);
    expect(code).toBe(0);
    expect(lines).toEqual([
      `${files[0]}: aarch64-unknown-linux-gnu (ELF 64-bit ARM aarch64, Linux)`,
      `${files[1]}: x86_64-unknown-linux-gnu (Linux kernel image (bzImage, EFI stub), x86_64)`,
    ]);
  });
});

function at(name: string): string {
  return path.join(dir, name);
}
