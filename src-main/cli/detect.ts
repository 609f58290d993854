// `peridio-desk detect FILE…`: each file's target and the evidence for it, read from its
// header as `target: "auto"` and the upload dialog read it, or why it has none. For scripts:
// --json gives one object per file, and the exit status says whether every file had a target.
import type { TargetDetectionView } from '../../src-preload/contract.js';
import { EXIT, UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { withService } from './session.js';

const usage = `Usage: peridio-desk detect FILE... [--json]

Reads each file's header and prints its target with the evidence, or why it has none:
ELF, PE and Mach-O programs, Linux kernel images (x86 bzImage, arm64 and RISC-V Image),
U-Boot legacy and FIT images, and any of these gzip-compressed. Archives and file systems
are named and have no target.

Options:
  --json    print one JSON object a line per file: {"path", "ok": true, "target", "evidence"}
            or {"path", "ok": false, "reason"}

Exit status: 0 every file has a target, 1 some file has none (each is said), 2 a usage
mistake.`;

type FileDetection = { path: string } & TargetDetectionView;

function line(detection: FileDetection): string {
  return detection.ok
    ? `${detection.path}: ${detection.target} (${detection.evidence})`
    : detection.reason;
}

export const detectCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words: files } = parseOptionsAndWords(args, { json: { type: 'boolean' } });
    if (files.length === 0) throw new UsageError('give the FILE(s) to detect the target of');
    const json = values.json === true;
    return withService({}, async (service) => {
      const { DeskCommandError } = await import('../service/index.js');
      let allFound = true;
      for (const file of files) {
        let detection: FileDetection;
        try {
          detection = {
            path: file,
            ...(await service.call('uploads.detectTarget', { path: file })),
          };
        } catch (error) {
          // A file that cannot be read (missing, a folder, a pipe) has no target either.
          if (!(error instanceof DeskCommandError) || error.data.code === 'invalid_input') {
            throw error;
          }
          detection = { path: file, ok: false, reason: error.message };
        }
        allFound &&= detection.ok;
        process.stdout.write(`${json ? JSON.stringify(detection) : line(detection)}\n`);
      }
      return allFound ? EXIT.ok : EXIT.failed;
    });
  },
};
