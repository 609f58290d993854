// How a command reaches the engine: through the desk service, the one door every face uses,
// on the workspace the environment and the settings choose. The service opens its workspace
// at the first command that needs one, so the commands that only read or fix the settings
// (`profiles use`, `keys list`) work while no server can be reached.
import type { PageOf, WorkspaceInfo } from '../../src-preload/contract.js';
import type { DeskService, OpenDeskServiceOptions } from '../service/index.js';

export type CliServiceOptions = Omit<OpenDeskServiceOptions, 'openWorkspace'>;

/**
 * How the engine's log shows on stderr: JSON lines beside --json output (a machine reads
 * both), else a person's warnings and errors, one readable line each.
 */
export function stderrLogFormat(json: boolean): 'json' | 'person' {
  return json ? 'json' : 'person';
}

let commandWantsJson = false;

/** Said once by `main` for the command it runs, before the command opens its service. */
export function setJsonOutput(json: boolean): void {
  commandWantsJson = json;
}

/** The service for one command: no queue runs unless asked (`runQueue`, or `runJobs`). */
export async function openService(options: CliServiceOptions = {}): Promise<DeskService> {
  // Loaded here, not at the top: the commands that show help or read settings never need it.
  const { openDeskService } = await import('../service/index.js');
  return openDeskService({
    env: process.env,
    runQueue: false,
    log: { stderr: stderrLogFormat(commandWantsJson) },
    withoutBrokenSettings: true,
    ...options,
    openWorkspace: 'when-needed',
  });
}

/** Runs `use` with a service, closing it afterwards whatever happens. */
export async function withService<T>(
  options: CliServiceOptions,
  use: (service: DeskService) => Promise<T>,
): Promise<T> {
  const service = await openService(options);
  try {
    return await use(service);
  } finally {
    await service.close();
  }
}

/** The workspace as every JSON output names it (the contract's words, without the status). */
export interface WorkspaceJson {
  kind: WorkspaceInfo['kind'];
  profileName: string | null;
  baseUrl: string;
}

export function workspaceJson(info: WorkspaceInfo): WorkspaceJson {
  return { kind: info.kind, profileName: info.profileName, baseUrl: info.baseUrl };
}

/** `Local workspace (http://127.0.0.1:…)`, `Profile prod (https://…)`, `Environment (…)`. */
export function workspaceLine(info: WorkspaceInfo): string {
  switch (info.kind) {
    case 'local':
      return `Local workspace (${info.baseUrl})`;
    case 'profile':
      return `Profile ${info.profileName} (${info.baseUrl})`;
    case 'environment':
      return `Environment (PERIDIO_API_KEY, ${info.baseUrl})`;
  }
}

/**
 * Names the server before the command talks to it. For people, one line on stderr: stdout
 * carries the data, so `| grep` and `> file` get the data alone, while the person at the
 * terminal still sees where it came from. For --json nothing is printed here: the document
 * (or the final JSON line) carries the returned `workspace` field.
 */
export async function announceWorkspace(
  service: DeskService,
  json: boolean,
): Promise<WorkspaceJson> {
  const info = await service.call('workspace.get');
  if (!json) process.stderr.write(`${workspaceLine(info)}\n`);
  return workspaceJson(info);
}

/**
 * Says the bandwidth cap in force, when there is one, on stderr beside the workspace line:
 * a person who wonders why an upload is slow sees why, and where the cap comes from.
 */
export async function announceRateCap(service: DeskService, json: boolean): Promise<void> {
  if (json) return;
  const { maxRateInForce: cap } = await service.call('preferences.get');
  if (cap.bytesPerSecond === null) return;
  const from =
    cap.source === 'command-line'
      ? '--max-rate'
      : 'the preference; `peridio-desk preferences set max-rate off` lifts it';
  process.stderr.write(`Uploads are capped at ${cap.text} (${from})\n`);
}

/** A command's result on stdout: `text` for people, or one JSON document with --json. */
export function printResult(json: boolean, text: string, document: unknown): void {
  process.stdout.write(json ? `${JSON.stringify(document)}\n` : `${text}\n`);
}

/** Every item of a paged command, page after page. */
export async function allPages<T>(
  page: (cursor: string | undefined) => Promise<PageOf<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
