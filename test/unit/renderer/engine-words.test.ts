import { describe, expect, it } from 'vitest';
import {
  detectionFailureNote,
  offlineSummary,
  withFileNames,
} from '../../../src-renderer/lib/engine-words.js';

const SPOOL = '/home/me/.config/desk/spool/4ad804a6-2027-488f-bf2b-2f3bb0aeda90/fw.bin';

describe('engine messages name files by their name', () => {
  it('replaces every occurrence of a job path with the file name', () => {
    const message = `Part 1 of "${SPOOL}" failed 5 times in a row; ${SPOOL} is kept.`;
    expect(withFileNames(message, [SPOOL])).toBe(
      'Part 1 of "fw.bin" failed 5 times in a row; fw.bin is kept.',
    );
  });

  it('replaces the longer of two nested paths whole, and Windows paths too', () => {
    const short = '/data/out';
    const long = '/data/out/sub/app.elf';
    expect(withFileNames(`${long} and ${short}`, [short, long])).toBe('app.elf and out');
    expect(withFileNames('C:\\b\\fw.img failed', ['C:\\b\\fw.img'])).toBe('fw.img failed');
  });

  it('leaves a message that names no known path as it is', () => {
    expect(withFileNames('the server is in trouble', [SPOOL, ''])).toBe('the server is in trouble');
  });
});

describe('a failed target detection, said once', () => {
  it('drops the engine prefix naming the spool path and names the file', () => {
    const reason = `Cannot tell the target of ${SPOOL}: it is not an ELF, PE or Mach-O file (an image or an archive says nothing of its target).`;
    expect(detectionFailureNote('fw.bin', SPOOL, reason)).toBe(
      'Could not tell the target of fw.bin: it is not an ELF, PE or Mach-O file (an image or an archive says nothing of its target). Type it.',
    );
  });

  it('drops the prefix even when it names another path', () => {
    const reason = 'Cannot tell the target of /elsewhere/fw.bin: it is a universal Mach-O file.';
    expect(detectionFailureNote('fw.bin', SPOOL, reason)).toBe(
      'Could not tell the target of fw.bin: it is a universal Mach-O file. Type it.',
    );
  });

  it('shows a reason without the prefix as it is', () => {
    expect(detectionFailureNote('fw.bin', SPOOL, `${SPOOL} is empty`)).toBe(
      'Could not tell the target: fw.bin is empty',
    );
  });
});

describe('the offline reason in one header line', () => {
  it('says a refused or unresolved connection in words', () => {
    const reason = `Part 1 of "${SPOOL}" failed 5 times in a row; the network is not getting through (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:42029).`;
    expect(offlineSummary(reason)).toBe('the server refuses connections');
    expect(offlineSummary('getaddrinfo ENOTFOUND api.example.com')).toBe(
      "the server's name does not resolve",
    );
  });

  it('keeps a reason it does not recognise, and says something without one', () => {
    expect(offlineSummary('the probe got no answer')).toBe('the probe got no answer');
    expect(offlineSummary(null)).toBe('the server does not answer');
  });
});
