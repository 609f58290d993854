// Worker threads start from files their loader can read: in the packaged desktop app, the
// unpacked copy beside app.asar (Node's ES module loader in a worker cannot read the archive).
import { describe, expect, it } from 'vitest';
import { outsideAsar } from '../../../src-main/upload/worker-entry.js';

describe('outsideAsar', () => {
  it('points a worker inside app.asar at its unpacked copy', () => {
    const packed = new URL(
      'file:///opt/Peridio%20Desk/resources/app.asar/dist/src-main/upload/transfer-worker.js',
    );
    expect(outsideAsar(packed).href).toBe(
      'file:///opt/Peridio%20Desk/resources/app.asar.unpacked/dist/src-main/upload/transfer-worker.js',
    );
  });

  it('leaves a worker outside an archive alone', () => {
    const plain = new URL('file:///home/me/peridio-desk/dist/src-main/upload/transfer-worker.js');
    expect(outsideAsar(plain).href).toBe(plain.href);
    const unpacked = new URL('file:///opt/app/resources/app.asar.unpacked/dist/x.js');
    expect(outsideAsar(unpacked).href).toBe(unpacked.href);
  });
});
