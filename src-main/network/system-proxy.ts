// The system's proxy, as the desktop app learns it: Electron's `session.resolveProxy` answers
// a PAC-style string for a URL (covering PAC files and WPAD). The engine asks once per
// connection, for the base URL, and uses that answer for the storage servers too: their
// origins are known only once parts are created, inside an upload worker that cannot ask.
import type { ProxyPlan } from './proxy-route.js';

/** Answers `PROXY host:port; DIRECT`-style strings for a URL. */
export type SystemProxyResolver = (url: string) => Promise<string>;

/** A system that takes longer than this to answer is not waited for: straight it is. */
export const SYSTEM_PROXY_TIMEOUT_MS = 5000;

/** The plan with the system's answer for `baseUrl`, or the plan as it was if none came. */
export async function withSystemProxy(
  plan: ProxyPlan,
  baseUrl: string,
  resolve: SystemProxyResolver,
  onFailure: (message: string) => void,
  timeoutMs = SYSTEM_PROXY_TIMEOUT_MS,
): Promise<ProxyPlan> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = await Promise.race([
      resolve(baseUrl),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    const origin = new URL(baseUrl).origin;
    return { ...plan, system: { byOrigin: { [origin]: answer }, otherOrigins: answer } };
  } catch (error) {
    onFailure(
      `The system's proxy settings could not be read (${(error as Error).message}); going straight to the server.`,
    );
    return plan;
  } finally {
    clearTimeout(timer);
  }
}
