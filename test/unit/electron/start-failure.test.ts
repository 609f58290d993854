// The desktop app's start failure: a native module built for plain Node says how Electron's
// own copy is made (never a rebuild in place, which would break the command line); any other
// failure is shown in its own words.
import { describe, expect, it } from 'vitest';
import { startFailureMessage } from '../../../src-main/electron/start-failure.js';

describe('startFailureMessage', () => {
  it('says how Electron’s copy of a native module is made', () => {
    const error = new Error(
      "The module 'better_sqlite3.node' was compiled against a different Node.js version using " +
        'NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140.',
    );
    const message = startFailureMessage(error);
    expect(message).toContain(error.message);
    expect(message).toContain('"npm start"');
    expect(message).toContain('node_modules/better-sqlite3/electron-builds');
    expect(message).not.toMatch(/install-app-deps|npm rebuild/);
  });

  it('keeps any other failure as it is', () => {
    expect(startFailureMessage(new Error('EACCES: permission denied, mkdir /data'))).toBe(
      'EACCES: permission denied, mkdir /data',
    );
    expect(startFailureMessage('plain text')).toBe('plain text');
  });
});
