// Who may run engine commands over IPC: only the top frame of one of our own windows, showing
// one of our own app:// pages. A page that navigated elsewhere, an iframe, or a webContents we
// did not create (a devtools extension, a stray webview) is refused before the engine sees it.
import type { IpcMainInvokeEvent } from 'electron';
import { isAppUrl } from './app-origin.js';

/** What an IPC message tells about its sender, as plain data. */
export interface SenderFacts {
  /** The sending frame's URL; null when the frame is gone (navigated or destroyed). */
  frameUrl: string | null;
  /** Whether the sending frame is its page's top frame. */
  isTopFrame: boolean;
  webContentsId: number;
}

export function senderFactsOf(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
): SenderFacts {
  let frameUrl: string | null = null;
  let isTopFrame = false;
  try {
    const frame = event.senderFrame;
    if (frame) {
      frameUrl = frame.url;
      isTopFrame = frame.parent === null;
    }
  } catch {
    // Electron throws when the frame was disposed meanwhile: such a sender is not trusted.
  }
  return { frameUrl, isTopFrame, webContentsId: event.sender.id };
}

export function isTrustedSender(
  facts: SenderFacts,
  ourWebContentsIds: ReadonlySet<number>,
): boolean {
  return ourWebContentsIds.has(facts.webContentsId) && facts.isTopFrame && isAppUrl(facts.frameUrl);
}
