// The dashboard's log: JSON lines for machines, readable lines for a person at a terminal
// (where the "listening" line would only repeat the ready line), never both.
import { describe, expect, it } from 'vitest';
import { stderrLogger } from '../../../src-main/cli/dashboard.js';

function captured() {
  const lines: string[] = [];
  return { lines, stream: { write: (text: string) => lines.push(text) > 0 } };
}

describe('the dashboard log', () => {
  it('writes one JSON object per line for a machine', () => {
    const { lines, stream } = captured();
    const logger = stderrLogger(false, stream);
    logger.info('dashboard listening', { origin: 'http://127.0.0.1:4000' });
    logger.warn('dropped a slow client', { bufferedBytes: 2048 });
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      {
        level: 'info',
        module: 'dashboard',
        message: 'dashboard listening',
        origin: 'http://127.0.0.1:4000',
      },
      { level: 'warn', message: 'dropped a slow client', bufferedBytes: 2048 },
    ]);
  });

  it('writes words for a person, and leaves out what the ready line already said', () => {
    const { lines, stream } = captured();
    const logger = stderrLogger(true, stream);
    logger.info('dashboard listening', { origin: 'http://127.0.0.1:4000' });
    logger.error('request failed', { method: 'POST', path: '/api/commands/x' });
    expect(lines).toEqual([
      'dashboard error: request failed (method: POST, path: /api/commands/x)\n',
    ]);
  });
});
