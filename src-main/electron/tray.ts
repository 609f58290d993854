// The tray icon: the queue's state in its tooltip (and as the menu's first line, since Linux
// tray hosts often show no tooltip), and a menu to open the window, pause or resume every
// job, and quit. The menu is rebuilt only when its content changes, not on every progress tick.
import { Menu, Tray, nativeImage } from 'electron';
import type { QueueSnapshot } from './queue-progress.js';

export interface TrayActions {
  open(): void;
  pauseAll(): void;
  resumeAll(): void;
  /** The close-to-tray preference, changed from the menu's checkbox. */
  setCloseToTray(value: boolean): void;
  quit(): void;
}

function menuKey(snapshot: QueueSnapshot): string {
  const { uploading, queued, waiting, paused, failed, pausableIds, resumableIds } = snapshot;
  return JSON.stringify([uploading, queued, waiting, paused, failed, pausableIds, resumableIds]);
}

function statusLine(snapshot: QueueSnapshot): string {
  return snapshot.tooltip.replace(/^Peridio Desk: /, '').replace(/ \(\d+%\)$/, '');
}

export class DeskTray {
  readonly #tray: Tray;
  readonly #actions: TrayActions;
  #menuKey = '';
  #closeToTray: boolean;
  #snapshot: QueueSnapshot;

  constructor(
    iconPath: string,
    actions: TrayActions,
    snapshot: QueueSnapshot,
    closeToTray: boolean,
  ) {
    this.#actions = actions;
    this.#closeToTray = closeToTray;
    this.#snapshot = snapshot;
    // A file named …Template.png is a macOS template image: drawn in the menu bar's colours.
    this.#tray = new Tray(nativeImage.createFromPath(iconPath));
    // Windows and Linux: a click on the icon opens the window (macOS shows the menu).
    this.#tray.on('click', () => actions.open());
    this.update(snapshot);
  }

  update(snapshot: QueueSnapshot): void {
    this.#snapshot = snapshot;
    this.#tray.setToolTip(snapshot.tooltip);
    const key = `${menuKey(snapshot)}${this.#closeToTray}`;
    if (key === this.#menuKey) return;
    this.#menuKey = key;
    const { open, pauseAll, resumeAll, setCloseToTray, quit } = this.#actions;
    const pausable = snapshot.pausableIds.length;
    const resumable = snapshot.resumableIds.length;
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: statusLine(snapshot), enabled: false },
        { type: 'separator' },
        { label: 'Open Peridio Desk', click: () => open() },
        {
          label: pausable > 0 ? `Pause all (${pausable})` : 'Pause all',
          enabled: pausable > 0,
          click: () => pauseAll(),
        },
        {
          label: resumable > 0 ? `Resume all (${resumable})` : 'Resume all',
          enabled: resumable > 0,
          click: () => resumeAll(),
        },
        { type: 'separator' },
        {
          label: 'Keep running in the tray when the window closes',
          type: 'checkbox',
          checked: this.#closeToTray,
          click: (item) => {
            this.#closeToTray = item.checked;
            setCloseToTray(item.checked);
            this.update(this.#snapshot);
          },
        },
        { label: 'Quit Peridio Desk', click: () => quit() },
      ]),
    );
  }

  destroy(): void {
    this.#tray.destroy();
  }
}
