// Navigation in our windows: a link to an allowed https site opens in the person's browser and
// the window stays on our page. Electron asks 'will-frame-navigate' first, for the main frame
// too, and only when that was not cancelled 'will-navigate'; the stand-in below does the same,
// as thin as window-security.ts uses a webContents.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { hardenWebContents } from '../../../src-main/electron/window-security.js';

function fakeContents() {
  const emitter = new EventEmitter();
  const contents = {
    on: (name: string, listener: (...args: unknown[]) => void) => emitter.on(name, listener),
    setWindowOpenHandler: () => {},
  };
  /** A navigation as Electron runs it: true when it went ahead. */
  function navigate(url: string, isMainFrame: boolean): boolean {
    let prevented = false;
    const event = { url, isMainFrame, preventDefault: () => (prevented = true) };
    emitter.emit('will-frame-navigate', event);
    if (prevented) return false;
    if (isMainFrame) emitter.emit('will-navigate', event);
    return !prevented;
  }
  return { contents: contents as unknown as Parameters<typeof hardenWebContents>[0], navigate };
}

describe('navigation in our windows', () => {
  it('opens an allowed link of the main frame in the browser and stays on our page', () => {
    const opened: string[] = [];
    const { contents, navigate } = fakeContents();
    hardenWebContents(contents, (url) => opened.push(url));
    expect(navigate('https://docs.peridio.com/admin-api', true)).toBe(false);
    expect(opened).toEqual(['https://docs.peridio.com/admin-api']);
  });

  it('lets our own pages load and opens nothing for a link outside the allow-list', () => {
    const opened: string[] = [];
    const { contents, navigate } = fakeContents();
    hardenWebContents(contents, (url) => opened.push(url));
    expect(navigate('app://desk/index.html', true)).toBe(true);
    expect(navigate('https://attacker.example/', true)).toBe(false);
    expect(navigate('http://docs.peridio.com/', true)).toBe(false);
    expect(opened).toEqual([]);
  });

  it('keeps a subframe from going anywhere but our pages, opening nothing', () => {
    const opened: string[] = [];
    const { contents, navigate } = fakeContents();
    hardenWebContents(contents, (url) => opened.push(url));
    expect(navigate('https://docs.peridio.com/', false)).toBe(false);
    expect(navigate('app://desk/index.html', false)).toBe(true);
    expect(opened).toEqual([]);
  });
});
