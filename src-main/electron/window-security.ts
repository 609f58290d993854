// The security decisions of security-policy.ts, wired into Electron: every webContents may
// only show our app:// pages, opens no window of its own, attaches no webview, and its session
// grants no permission outside the short allow-list. Links to Peridio's site go to the
// person's browser through `openExternal`, which only ever sees an allow-listed https URL.
import type { Session, WebContents } from 'electron';
import { externalUrlToOpen, navigationAllowed, permissionAllowed } from './security-policy.js';

export type OpenExternal = (url: string) => void;

function openIfAllowed(url: string, openExternal: OpenExternal): void {
  const external = externalUrlToOpen(url);
  if (external !== null) openExternal(external);
}

/** Applied to every webContents the app creates (from `app.on('web-contents-created')`). */
export function hardenWebContents(contents: WebContents, openExternal: OpenExternal): void {
  // window.open and target=_blank: never a new Electron window; a Peridio link opens outside.
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url, openExternal);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (navigationAllowed(event.url)) return;
    event.preventDefault();
    openIfAllowed(event.url, openExternal);
  });
  // Frames inside a page (there are none of ours) may not go anywhere else either. Electron
  // fires this for the main frame too, before will-navigate; cancelling it there would stop
  // will-navigate from running, and with it the hand-off of a link to the browser.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return;
    if (!navigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!navigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Applied to the app's session before the first window opens. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionAllowed(permission, requestingOrigin),
  );
  // USB, HID and serial devices: none, ever.
  session.setDevicePermissionHandler(() => false);
}
