// The e2e fixtures: for each test a fresh temp folder, a local Peridio server run as its own
// process (seeded and checked through its Admin API, killed and started again for the
// offline story), and the dashboard face run as its own process, opened in Chromium. A test
// fails on any console error, uncaught page error or Content-Security-Policy violation.
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { AdminApi } from './admin-api.js';
import {
  REPO_ROOT,
  startDashboard,
  startLocalServer,
  type DashboardProcess,
  type LocalServerProcess,
} from './processes.js';

export { expect };

export interface AccessLogEntry {
  method: string;
  path: string;
  status: number;
  request_id: string;
}

/** A local Peridio server the test owns: same port, data folder and key across restarts. */
export class LocalPeridio {
  readonly api: AdminApi;
  private current: LocalServerProcess;
  private readonly logs: string[] = [];

  private constructor(
    first: LocalServerProcess,
    readonly dataDir: string,
    readonly apiKey: string,
    readonly accessLogPath: string,
  ) {
    this.current = first;
    this.api = new AdminApi(first.url, apiKey);
  }

  static async start(dataDir: string, faults?: string): Promise<LocalPeridio> {
    const apiKey = `e2e-key-${process.pid}-${Date.now()}`;
    const accessLogPath = path.join(dataDir, 'access.log');
    await mkdir(dataDir, { recursive: true });
    const first = await startLocalServer({ dataDir, apiKey, accessLogPath, faults });
    return new LocalPeridio(first, dataDir, apiKey, accessLogPath);
  }

  get url(): string {
    return this.current.url;
  }

  get running(): boolean {
    return this.current.child.exitCode === null && this.current.child.signalCode === null;
  }

  /** SIGKILL: the server vanishes mid-request, as when a link or a machine goes down. */
  async kill(): Promise<void> {
    await this.current.kill();
    this.logs.push(this.current.stderr());
  }

  /** Starts it again on the same port and data folder (no faults this time). */
  async restart(): Promise<void> {
    if (this.running) throw new Error('the local server is still running; kill it first');
    this.current = await startLocalServer({
      dataDir: this.dataDir,
      apiKey: this.apiKey,
      accessLogPath: this.accessLogPath,
      port: this.current.port,
    });
  }

  async stop(): Promise<void> {
    await this.current.stop();
    this.logs.push(this.current.stderr());
  }

  /** The server's access log so far: one entry per request (method, path, status, request id). */
  async accessLog(): Promise<AccessLogEntry[]> {
    const text = await readFile(this.accessLogPath, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as AccessLogEntry);
  }

  /** The part indices whose bytes reached the server for `binaryPrn` (each once). */
  async partsReceived(binaryPrn: string): Promise<number[]> {
    const indices = new Set<number>();
    for (const entry of await this.accessLog()) {
      const match = /^\/binaries\/([^/]+)\/parts\/(\d+)$/.exec(entry.path);
      if (entry.method === 'PUT' && match && decodeURIComponent(match[1]!) === binaryPrn) {
        if (entry.status === 201) indices.add(Number(match[2]));
      }
    }
    return [...indices].sort((a, b) => a - b);
  }

  log(): string {
    return [...this.logs, this.running ? this.current.stderr() : ''].join('\n');
  }
}

/** The dashboard process and the page showing it. */
export class Desk {
  constructor(
    readonly dashboard: DashboardProcess,
    readonly page: Page,
  ) {}

  /** Opens the printed URL (token in the fragment) and waits for the app's frame. */
  async open(): Promise<void> {
    await this.page.goto(this.dashboard.url);
    await expect(this.page.getByRole('banner')).toContainText('Peridio Desk');
  }

  /**
   * Goes to a hash route in the same document, as a click on a link would, so the token the
   * app took from the first URL stays where the app keeps it.
   */
  async goTo(route: string): Promise<void> {
    await this.page.evaluate((hash) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
    }, route);
  }

  async goToVersion(versionPrn: string): Promise<void> {
    await this.goTo(`#/versions/${versionPrn}`);
  }

  /** Asks the engine directly (as a script would), to check what the UI claims. */
  async command(name: string, input: unknown = {}): Promise<unknown> {
    const response = await fetch(`${this.dashboard.origin}/api/commands/${name}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.dashboard.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(input),
    });
    const reply = (await response.json()) as { ok: boolean; result?: unknown; error?: unknown };
    if (!reply.ok) throw new Error(`${name} failed: ${JSON.stringify(reply.error)}`);
    return reply.result;
  }
}

export interface PageProblems {
  problems: string[];
  /** Messages matching this are expected in this test (say why where it is used). */
  allow(pattern: RegExp): void;
}

interface Fixtures {
  /** Where the dashboard works: `peridio` (the test's local server) or `embedded`. */
  deskWorkspace: 'peridio' | 'embedded';
  /** `local serve --faults` for the server's first start, e.g. `latencyMs=150`. */
  serverFaults: string | undefined;
  workDir: string;
  peridio: LocalPeridio;
  pageProblems: PageProblems;
  desk: Desk;
}

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results/e2e/screenshots');

/** Saves the page as `<name>.png` (light) and, with `dark`, `<name>-dark.png`. */
export async function screenshot(
  page: Page,
  name: string,
  options: { dark?: boolean } = {},
): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  if (options.dark) {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-dark.png`), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  }
}

async function attachLog(testInfo: TestInfo, name: string, text: string): Promise<void> {
  if (testInfo.status !== testInfo.expectedStatus && text.trim() !== '') {
    await testInfo.attach(name, { body: text, contentType: 'text/plain' });
  }
}

export const test = base.extend<Fixtures>({
  deskWorkspace: ['peridio', { option: true }],
  serverFaults: [undefined, { option: true }],

  // eslint-disable-next-line no-empty-pattern
  workDir: async ({}, use) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'peridio-desk-e2e-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },

  peridio: async ({ workDir, serverFaults }, use, testInfo) => {
    const server = await LocalPeridio.start(path.join(workDir, 'server'), serverFaults);
    try {
      await use(server);
    } finally {
      await server.stop();
      await attachLog(testInfo, 'local-serve.log', server.log());
    }
  },

  pageProblems: async ({ page }, use) => {
    const problems: string[] = [];
    const allowed: RegExp[] = [];
    const note = (text: string) => {
      if (!allowed.some((pattern) => pattern.test(text))) problems.push(text);
    };
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const where = message.location().url;
      note(`console error: ${message.text()}${where ? ` (${where})` : ''}`);
    });
    page.on('pageerror', (error) => note(`uncaught in the page: ${error.stack ?? error.message}`));
    // Reported through a binding, which the page's CSP cannot block (it is not a script tag).
    await page.exposeFunction('__peridioE2eCspViolation', (text: string) =>
      note(`CSP violation: ${text}`),
    );
    await page.addInitScript(() => {
      const w = globalThis as unknown as {
        addEventListener(
          type: string,
          listener: (event: Record<string, string | number>) => void,
        ): void;
        __peridioE2eCspViolation(text: string): void;
      };
      w.addEventListener('securitypolicyviolation', (event) => {
        w.__peridioE2eCspViolation(
          `${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ` +
            `${event.sourceFile}:${event.lineNumber}`,
        );
      });
    });
    await use({ problems, allow: (pattern) => allowed.push(pattern) });
    expect(problems, 'console errors, page errors and CSP violations').toEqual([]);
  },

  desk: async ({ page, pageProblems, peridio, workDir, deskWorkspace }, use, testInfo) => {
    void pageProblems; // listening from the first navigation on
    const dashboard = await startDashboard({
      dataDir: path.join(workDir, 'desk'),
      ...(deskWorkspace === 'peridio'
        ? { server: { url: peridio.url, apiKey: peridio.apiKey } }
        : {}),
    });
    try {
      await use(new Desk(dashboard, page));
    } finally {
      // The page first, so no request of its own is cut off mid-way and logged as an error.
      await page.close();
      await dashboard.stop();
      await attachLog(testInfo, 'dashboard.log', dashboard.stderr());
    }
  },
});
