// electron-store, constructed in the main process, answers the synchronous IPC message
// `electron-store-get-data` (the userData path and the app version) to any sender, so that a
// renderer could build its own store. Our renderers use no store: their preload exposes only
// the contract, never ipcRenderer, so no page of ours can send it. Still, nothing should answer
// on a channel we did not write: the listener is replaced by a refusal.
export const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

interface SyncIpcEvent {
  returnValue: unknown;
  sender: { id: number };
}

interface IpcMainLike {
  removeAllListeners(channel: string): unknown;
  on(channel: string, listener: (event: SyncIpcEvent) => void): unknown;
}

/** Call after every electron-store is constructed (each construction may register it). */
export function refuseElectronStoreChannel(
  ipcMain: IpcMainLike,
  onRefused: (senderId: number) => void,
): void {
  ipcMain.removeAllListeners(ELECTRON_STORE_CHANNEL);
  ipcMain.on(ELECTRON_STORE_CHANNEL, (event) => {
    onRefused(event.sender.id);
    // A synchronous message must be answered, or the sender blocks; null tells it nothing.
    event.returnValue = null;
  });
}
