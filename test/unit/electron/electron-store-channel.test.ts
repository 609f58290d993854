// electron-store answers `electron-store-get-data` to any sender; the desktop app replaces that
// answer with a refusal. ipcMain is stood in for by an EventEmitter, as thin as the code uses it.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  ELECTRON_STORE_CHANNEL,
  refuseElectronStoreChannel,
} from '../../../src-main/electron/electron-store-channel.js';

function sendSync(ipcMain: EventEmitter, senderId: number): unknown {
  const event = { returnValue: undefined as unknown, sender: { id: senderId } };
  ipcMain.emit(ELECTRON_STORE_CHANNEL, event);
  return event.returnValue;
}

describe('the electron-store channel', () => {
  it('answers nobody once refused, and says who asked', () => {
    const ipcMain = new EventEmitter();
    // What electron-store's constructor registers in the main process.
    ipcMain.on(ELECTRON_STORE_CHANNEL, (event: { returnValue: unknown }) => {
      event.returnValue = { defaultCwd: '/home/me/.config/Peridio Desk', appVersion: '0.1.0' };
    });
    expect(sendSync(ipcMain, 7)).toMatchObject({ defaultCwd: expect.any(String) });

    const refused: number[] = [];
    refuseElectronStoreChannel(ipcMain, (id) => refused.push(id));
    expect(sendSync(ipcMain, 7)).toBeNull();
    expect(ipcMain.listenerCount(ELECTRON_STORE_CHANNEL)).toBe(1);
    expect(refused).toEqual([7]);
  });
});
