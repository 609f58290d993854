import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  engineLogFile,
  openEngineLog,
  personLine,
  RotatingFile,
} from '../../../src-main/logging/index.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'desk-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function linesOf(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the engine log', () => {
  it('writes JSON lines with the module of each child logger to <data>/logs/engine.log', () => {
    const dataDir = tempDir();
    const log = openEngineLog({ dataDir });
    log.logger.child({ module: 'scheduler' }).error({ jobId: 'j1' }, 'the queue stalled');
    log.close();
    const [line] = linesOf(engineLogFile(dataDir));
    expect(line).toMatchObject({
      level: 50,
      module: 'scheduler',
      jobId: 'j1',
      msg: 'the queue stalled',
    });
    expect(typeof line?.time).toBe('string');
  });

  it('never writes an API key, a token, a private key or proxy credentials', () => {
    const dataDir = tempDir();
    const log = openEngineLog({ dataDir });
    const pem = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIKx\n-----END PRIVATE KEY-----';
    log.logger.warn(
      {
        apiKey: 'sk-live-123456',
        connection: { token: 'tok-abcdef', proxy: 'http://bob:hunter2@proxy.example:3128' },
        err: new Error(`request to https://x.example/part?X-Amz-Signature=deadbeef failed; ${pem}`),
      },
      'Authorization: Bearer abc.def.ghi via http://bob:hunter2@proxy.example:3128',
    );
    log.close();
    const text = readFileSync(engineLogFile(dataDir), 'utf8');
    for (const secret of [
      'sk-live-123456',
      'tok-abcdef',
      'hunter2',
      'deadbeef',
      'MC4CAQAw',
      'abc.def.ghi',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('proxy.example:3128');
    expect(text).toContain('[redacted');
  });

  it('rotates the file before it passes its cap and keeps only the last few', () => {
    const dir = tempDir();
    const file = path.join(dir, 'logs', 'engine.log');
    const rotating = new RotatingFile({ file, maxBytes: 1000, keep: 2 });
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 55; i++) rotating.write(line);
    rotating.close();
    expect(readdirSync(path.dirname(file)).sort()).toEqual([
      'engine.log',
      'engine.log.1',
      'engine.log.2',
    ]);
    for (const name of ['engine.log', 'engine.log.1', 'engine.log.2']) {
      expect(readFileSync(path.join(dir, 'logs', name)).length).toBeLessThanOrEqual(1000);
    }
    expect(readFileSync(path.join(dir, 'logs', 'engine.log.1')).length).toBe(1000);
  });

  it('loses lines, not the process, when the file cannot be written, and says so once', () => {
    const dir = tempDir();
    const complaints: string[] = [];
    // A plain file where the log's folder should be: the folder cannot be made.
    writeFileSync(path.join(dir, 'logs'), '');
    const rotating = new RotatingFile({
      file: path.join(dir, 'logs', 'engine.log'),
      complain: (message) => complaints.push(message),
    });
    expect(rotating.write('a\n')).toBe(true);
    expect(rotating.write('b\n')).toBe(true);
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toContain('cannot write the log');
  });

  it('shows a person warnings and errors as one readable line, and nothing for info', () => {
    const json = (level: number) =>
      JSON.stringify({
        level,
        time: 't',
        pid: 1,
        module: 'dashboard',
        msg: 'request failed',
        url: '/api',
      });
    expect(personLine(json(30))).toBe('');
    expect(personLine(json(50))).toBe('dashboard error: request failed (url: /api)\n');
  });
});
