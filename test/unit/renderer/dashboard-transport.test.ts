// The renderer's dashboard transport against the real dashboard server (src-main/dashboard),
// fronting a small service that checks inputs with the contract, as the engine does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../../src-main/dashboard/index.js';
import { checkCommandInput, isCommandName } from '../../../src-preload/contract.js';
import type { CommandReply } from '../../../src-preload/contract.js';
import {
  postCommand,
  replyFromHttp,
  type HttpPost,
} from '../../../src-renderer/lib/dashboard-commands.js';
import {
  DeskFailure,
  errorDetails,
  fieldMessages,
  toDeskError,
} from '../../../src-renderer/lib/desk-failure.js';
import {
  START_ROUTE,
  TOKEN_STORAGE_KEY,
  takeDashboardToken,
} from '../../../src-renderer/lib/dashboard-token.js';

const post: HttpPost = (url, init) => fetch(url, init);

let dashboard: Dashboard;
let rendererDir: string;

beforeAll(async () => {
  rendererDir = await mkdtemp(path.join(tmpdir(), 'renderer-transport-'));
  dashboard = await startDashboard({
    rendererDir,
    service: {
      async reply(name: string, input?: unknown): Promise<CommandReply> {
        if (!isCommandName(name)) {
          return { ok: false, error: { code: 'unknown_command', message: `no command ${name}` } };
        }
        const checked = checkCommandInput(name, input);
        if (!checked.ok) return checked;
        if (name === 'artifacts.create') {
          return {
            ok: false,
            error: {
              code: 'conflict',
              message: 'name has already been taken',
              status: 422,
              requestId: 'req-42',
            },
          };
        }
        return { ok: true, result: { echoed: name, input: checked.value } };
      },
      subscribe: () => () => {},
    },
  });
});

afterAll(async () => {
  await dashboard?.close();
  await rm(rendererDir, { recursive: true, force: true });
});

describe('dashboard commands over HTTP', () => {
  it('answers a command with its result', async () => {
    const reply = await postCommand(post, dashboard.origin, dashboard.token, 'artifacts.list', {});
    expect(reply).toEqual({ ok: true, result: { echoed: 'artifacts.list', input: {} } });
  });

  it("keeps the server's words, status and request id of an engine failure", async () => {
    const reply = await postCommand(post, dashboard.origin, dashboard.token, 'artifacts.create', {
      name: 'fw',
    });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error).toMatchObject({ message: 'name has already been taken', status: 422 });
    expect(errorDetails(reply.error)).toEqual(['HTTP 422', 'Request id: req-42']);
  });

  it('returns field errors of a refused input, keyed by the field a form shows', async () => {
    const reply = await postCommand(post, dashboard.origin, dashboard.token, 'uploads.enqueue', {
      path: '/tmp/fw.bin',
      artifactVersionPrn: 'not-a-prn',
      target: '',
    });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid_input');
    const fields = fieldMessages(reply.error);
    expect(fields.artifactVersionPrn).toMatch(/artifact_version PRN/);
    expect(fields.target).toMatch(/must not be empty/);
  });

  it('maps an HTTP refusal (wrong token) to a DeskError carrying the status', async () => {
    const reply = await postCommand(post, dashboard.origin, 'wrong-token', 'artifacts.list', {});
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('unauthorized');
    expect(reply.error.status).toBe(401);
    expect(errorDetails(reply.error)).toContain('HTTP 401');
  });

  it('says the dashboard is unreachable when nothing answers', async () => {
    const reply = await postCommand(post, 'http://127.0.0.1:9', dashboard.token, 'jobs.list', {});
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('dashboard_unreachable');
    expect(reply.error.message).toMatch(/still running/);
  });
});

describe('reading an HTTP answer', () => {
  it('turns a body that is not a reply into a readable error with the status', () => {
    const reply = replyFromHttp(502, '<html>Bad gateway</html>');
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_reply', status: 502 } });
  });

  it('does not take ok:true on an error status as a success', () => {
    expect(replyFromHttp(500, '{"ok":true,"result":1}').ok).toBe(false);
  });
});

describe('the dashboard token', () => {
  function place(hash: string, stored: string | null = null) {
    const storage = new Map<string, string>();
    if (stored) storage.set(TOKEN_STORAGE_KEY, stored);
    const state = { hash, replacedWith: null as string | null };
    return {
      state,
      storage,
      place: {
        hash,
        replaceHash: (next: string) => (state.replacedWith = next),
        storage: {
          getItem: (key: string) => storage.get(key) ?? null,
          setItem: (key: string, value: string) => void storage.set(key, value),
        },
      },
    };
  }

  it('takes the token from the hash, keeps it for reloads and puts the start route instead', () => {
    const { place: p, state, storage } = place('#token=abc-DEF_123');
    expect(takeDashboardToken(p)).toBe('abc-DEF_123');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc-DEF_123');
    expect(state.replacedWith).toBe(START_ROUTE);
  });

  it('uses the kept token after a reload, leaving the route alone', () => {
    const { place: p, state } = place('#/uploads', 'kept');
    expect(takeDashboardToken(p)).toBe('kept');
    expect(state.replacedWith).toBeNull();
  });

  it('has no token when neither the hash nor the tab holds one', () => {
    expect(takeDashboardToken(place('#/artifacts').place)).toBeNull();
  });
});

describe('errors thrown by the facade', () => {
  it('keeps the DeskError of a DeskFailure and wraps anything else', () => {
    const desk = { code: 'forbidden', message: 'bad key', status: 403, requestId: 'r1' };
    expect(toDeskError(new DeskFailure(desk))).toBe(desk);
    expect(toDeskError(new Error('boom'))).toEqual({ code: 'renderer_error', message: 'boom' });
  });
});
