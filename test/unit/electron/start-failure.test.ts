// The desktop app's start failure: a native module built for plain Node gets the rebuild
// command; any other failure is shown in its own words.
import { describe, expect, it } from 'vitest';
import { startFailureMessage } from '../../../src-main/electron/start-failure.js';

describe('startFailureMessage', () => {
  it('says how to rebuild a native module built for plain Node', () => {
    const error = new Error(
      "The module 'better_sqlite3.node' was compiled against a different Node.js version using " +
        'NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140.',
    );
    const message = startFailureMessage(error);
    expect(message).toContain(error.message);
    expect(message).toContain('npx electron-builder install-app-deps');
    expect(message).toContain('npm rebuild better-sqlite3');
  });

  it('keeps any other failure as it is', () => {
    expect(startFailureMessage(new Error('EACCES: permission denied, mkdir /data'))).toBe(
      'EACCES: permission denied, mkdir /data',
    );
    expect(startFailureMessage('plain text')).toBe('plain text');
  });
});
