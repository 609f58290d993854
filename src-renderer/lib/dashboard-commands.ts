// The dashboard's command call over HTTP, DOM-free so it runs (and is tested) in Node too:
// `POST /api/commands/<name>` with the bearer token. Every answer is a CommandReply, an HTTP
// error status included (the request never reached the engine then); that status is kept on
// the error so the alert can say "HTTP 401".
import type { CommandReply, DeskError } from '../../src-preload/contract.js';

export interface HttpAnswer {
  status: number;
  text(): Promise<string>;
}

export type HttpPost = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string },
) => Promise<HttpAnswer>;

function isDeskError(value: unknown): value is DeskError {
  if (value === null || typeof value !== 'object') return false;
  const error = value as Record<string, unknown>;
  return typeof error.code === 'string' && typeof error.message === 'string';
}

/** An HTTP answer as a CommandReply; anything that is not one becomes a readable error. */
export function replyFromHttp(status: number, body: string): CommandReply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {
      ok: false,
      error: {
        code: 'bad_reply',
        message: `The dashboard answered HTTP ${status} with something that is not a command reply. Reload the page; if it persists, restart peridio-desk dashboard.`,
        status,
      },
    };
  }
  const reply = parsed as { ok?: unknown; result?: unknown; error?: unknown };
  if (reply?.ok === true && status < 400) return { ok: true, result: reply.result };
  if (reply?.ok === false && isDeskError(reply.error)) {
    const error = reply.error;
    return {
      ok: false,
      error: status >= 400 && error.status === undefined ? { ...error, status } : error,
    };
  }
  return {
    ok: false,
    error: {
      code: 'bad_reply',
      message: `The dashboard answered HTTP ${status} without a command reply.`,
      status,
    },
  };
}

export async function postCommand(
  post: HttpPost,
  baseUrl: string,
  token: string,
  name: string,
  input: unknown,
): Promise<CommandReply> {
  let answer: HttpAnswer;
  try {
    answer = await post(`${baseUrl}/api/commands/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'dashboard_unreachable',
        message: `The dashboard did not answer (${(error as Error).message}). Is peridio-desk dashboard still running?`,
      },
    };
  }
  return replyFromHttp(answer.status, await answer.text());
}
