// Only the top frame of one of our windows, showing an app://desk page, may run commands.
import { describe, expect, it } from 'vitest';
import { isAppUrl } from '../../../src-main/electron/app-origin.js';
import { isTrustedSender, senderFactsOf } from '../../../src-main/electron/trusted-sender.js';

const ours = new Set([7]);

describe('isAppUrl', () => {
  it.each([
    'app://desk/index.html',
    'app://desk/',
    'app://desk',
    'APP://DESK/assets/x.js',
    'app://desk/#/binaries',
  ])('takes %s as ours', (url) => expect(isAppUrl(url)).toBe(true));

  it.each([
    'app://desk.evil.example/',
    'app://evil/',
    'app://user@desk/',
    'app://desk:8080/',
    'file:///work/main/dist/renderer/index.html',
    'http://desk/',
    'https://docs.peridio.com/',
    'about:blank',
    'not a url',
    '',
    null,
    undefined,
  ])('does not take %s as ours', (url) => expect(isAppUrl(url)).toBe(false));
});

describe('isTrustedSender', () => {
  const facts = { frameUrl: 'app://desk/index.html', isTopFrame: true, webContentsId: 7 };

  it('trusts our window showing our page', () => {
    expect(isTrustedSender(facts, ours)).toBe(true);
  });

  it('refuses a webContents that is not one of our windows', () => {
    expect(isTrustedSender({ ...facts, webContentsId: 8 }, ours)).toBe(false);
  });

  it('refuses our window once it shows another page', () => {
    expect(isTrustedSender({ ...facts, frameUrl: 'https://evil.example/' }, ours)).toBe(false);
    expect(isTrustedSender({ ...facts, frameUrl: 'file:///etc/passwd' }, ours)).toBe(false);
  });

  it('refuses a frame inside the page, and a frame that is gone', () => {
    expect(isTrustedSender({ ...facts, isTopFrame: false }, ours)).toBe(false);
    expect(isTrustedSender({ ...facts, frameUrl: null }, ours)).toBe(false);
  });
});

describe('senderFactsOf', () => {
  // The two fields of Electron's IpcMainInvokeEvent the check reads.
  const event = (senderFrame: unknown, id = 7) =>
    ({ sender: { id }, senderFrame }) as unknown as Parameters<typeof senderFactsOf>[0];

  it('reads the frame URL, whether it is the top frame, and the webContents id', () => {
    expect(senderFactsOf(event({ url: 'app://desk/', parent: null }))).toEqual({
      frameUrl: 'app://desk/',
      isTopFrame: true,
      webContentsId: 7,
    });
    expect(senderFactsOf(event({ url: 'app://desk/', parent: {} })).isTopFrame).toBe(false);
  });

  it('treats a missing or disposed frame as no frame', () => {
    expect(senderFactsOf(event(null)).frameUrl).toBeNull();
    const disposed = {
      get url(): string {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      parent: null,
    };
    expect(senderFactsOf(event(disposed))).toEqual({
      frameUrl: null,
      isTopFrame: false,
      webContentsId: 7,
    });
  });
});
