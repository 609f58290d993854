// The Electron preload (sandboxed, so it may only require 'electron'): exposes the desktop
// bridge on window.peridioDesk and nothing else. Built into dist/preload/index.cjs.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createDeskBridge } from './bridge.js';
import { DESK_BRIDGE_GLOBAL } from './contract-names.js';

contextBridge.exposeInMainWorld(
  DESK_BRIDGE_GLOBAL,
  createDeskBridge(
    {
      invoke: (channel, input) => ipcRenderer.invoke(channel, input),
      on: (channel, listener) => {
        ipcRenderer.on(channel, listener);
      },
      removeListener: (channel, listener) => {
        ipcRenderer.removeListener(channel, listener);
      },
    },
    (file) => webUtils.getPathForFile(file),
  ),
);
