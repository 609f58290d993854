// The system's proxy, as the desktop app learns it: Electron's `session.resolveProxy` answers
// a PAC-style string for a URL (covering PAC files and WPAD), so a PAC file may send the Admin
// API one way and the storage servers another. The engine's thread asks, once per origin for
// the connection: the base URL's origin when the connection opens, each storage origin the
// first time a part is to be PUT there. The upload workers cannot ask the session themselves;
// they ask the engine's thread (upload-worker.ts) and get its cached answer. Asked per origin
// rather than per URL: every part of an upload goes the same way, and a presigned URL's query
// (its signature) is never handed to a PAC script.
import { awaitsSystemAnswer, withSystemAnswer, type ProxyPlan } from './proxy-route.js';

/** Answers `PROXY host:port; DIRECT`-style strings for a URL. */
export type SystemProxyResolver = (url: string) => Promise<string>;

/**
 * The system's answer for an origin (`https://bucket.s3.amazonaws.com`). Never rejects and
 * never waits longer than the timeout: `DIRECT` when the system did not answer.
 */
export type SystemProxyAsker = (origin: string) => Promise<string>;

/** A system that takes longer than this to answer is not waited for: straight it is. */
export const SYSTEM_PROXY_TIMEOUT_MS = 5000;

/**
 * Asks `resolve` for each origin once and keeps the answer for the connection. An origin the
 * system gave no answer for (it failed, or said nothing in time) goes straight, and
 * `onFailure` is told why, once.
 */
export function systemProxyAnswers(
  resolve: SystemProxyResolver,
  onFailure: (message: string) => void,
  timeoutMs = SYSTEM_PROXY_TIMEOUT_MS,
): SystemProxyAsker {
  const answers = new Map<string, Promise<string>>();
  const ask = async (origin: string): Promise<string> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        resolve(origin),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      onFailure(
        `The system's proxy settings for ${origin} could not be read ` +
          `(${(error as Error).message}); going straight to it.`,
      );
      return 'DIRECT';
    } finally {
      clearTimeout(timer);
    }
  };
  return (origin) => {
    let answer = answers.get(origin);
    if (answer === undefined) {
      answer = ask(origin);
      answers.set(origin, answer);
    }
    return answer;
  };
}

/**
 * The plan with the system in it, and its answer for `baseUrl` asked ahead (the Admin API
 * clients send without asking). Not asked when a variable or the profile sets the way.
 */
export async function withSystemProxy(
  plan: ProxyPlan,
  baseUrl: string,
  ask: SystemProxyAsker,
): Promise<ProxyPlan> {
  const withSystem = { ...plan, system: { byOrigin: { ...plan.system?.byOrigin } } };
  const url = new URL(baseUrl);
  if (!awaitsSystemAnswer(withSystem, url)) return withSystem;
  return withSystemAnswer(withSystem, url.origin, await ask(url.origin));
}
