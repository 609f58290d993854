// A minimal application menu: the standard edit commands (without an Edit menu, macOS has no
// copy and paste in text fields), zoom, the window, and Peridio's documentation.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export const DOCS_URL = 'https://docs.peridio.com/';

export interface AppMenuActions {
  openDocs(): void;
  quit(): void;
  /** Developer tools only in a development run, not in the packaged app. */
  withDevTools: boolean;
}

export function installAppMenu(actions: AppMenuActions): void {
  const isMac = process.platform === 'darwin';
  const quit: MenuItemConstructorOptions = {
    label: isMac ? 'Quit Peridio Desk' : 'Quit',
    accelerator: 'CmdOrCtrl+Q',
    click: () => actions.quit(),
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac
      ? [
          {
            label: 'Peridio Desk',
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'unhide' },
              { type: 'separator' },
              quit,
            ] satisfies MenuItemConstructorOptions[],
          },
        ]
      : []),
    { label: 'File', submenu: isMac ? [{ role: 'close' }] : [{ role: 'close' }, quit] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(actions.withDevTools
          ? ([
              { type: 'separator' },
              { role: 'reload' },
              { role: 'toggleDevTools' },
            ] satisfies MenuItemConstructorOptions[])
          : []),
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Peridio documentation', click: () => actions.openDocs() }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
