// The folder boundaries are lint rules, run by `npm run lint` in npm test: a room of src-main
// is entered through its index.ts, the engine reaches outside src-main only for the contract
// and the PRN grammar it shares, only the Electron room imports electron, and the Electron main
// process reaches the engine only through the host client. Each deliberate violation below must
// be caught.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

// ESLint with typescript-eslint loads for seconds on a cold, busy machine.
describe('room boundaries', { timeout: 30_000 }, () => {
  it('catches a room reached past its door, one and two folders deep', async () => {
    expect(
      await problems(
        'src-main/queue/probe.ts',
        "export { planParts } from '../upload/part-plan.js';\n",
      ),
    ).toEqual([expect.stringMatching(/entered through its door/)]);
    expect(
      await problems(
        'src-main/service/commands/probe.ts',
        "export { WatchRunner } from '../../watch/watch-runner.js';\n",
      ),
    ).toEqual([expect.stringMatching(/entered through its door/)]);
  });

  it('lets a room use another’s door, its own files and the contract', async () => {
    const code =
      "export { planParts } from '../upload/index.js';\n" +
      "export { JobStore } from './job-store.js';\n" +
      "export type { JobView } from '../../src-preload/contract.js';\n";
    expect(await problems('src-main/queue/probe.ts', code)).toEqual([]);
    expect(
      await problems(
        'src-main/service/commands/probe.ts',
        "export { DeskCommandError } from '../desk-errors.js';\nexport { WatchRunner } from '../../watch/index.js';\n",
      ),
    ).toEqual([]);
  });

  it('catches the watch room reaching back up into the service that assembles it', async () => {
    expect(
      await problems(
        'src-main/watch/probe.ts',
        "export type { DeskService } from '../service/index.js';\n",
      ),
    ).toEqual([expect.stringMatching(/below the service/)]);
    expect(
      await problems(
        'src-main/watch/probe.ts',
        "export type { EngineEvent } from '../queue/index.js';\n",
      ),
    ).toEqual([]);
  });

  it('keeps the targets room on the files room alone', async () => {
    expect(
      await problems(
        'src-main/targets/probe.ts',
        "export { WatchRunner } from '../watch/index.js';\n",
      ),
    ).toEqual([expect.stringMatching(/imports only \.\.\/files/)]);
    expect(
      await problems(
        'src-main/targets/probe.ts',
        "export { openRegularFile } from '../files/index.js';\n",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'src-main/watch/probe.ts',
        "export { detectTarget } from '../targets/target-detection.js';\n",
      ),
    ).toEqual([expect.stringMatching(/entered through its door/)]);
  });

  it('catches the engine reaching outside src-main for anything but the contract', async () => {
    expect(
      await problems(
        'src-main/queue/probe.ts',
        "export { bridge } from '../../src-preload/bridge.js';\n",
      ),
    ).toEqual([expect.stringMatching(/only the contract/)]);
    expect(
      await problems(
        'src-main/queue/probe.ts',
        "export { watchRuleInput } from '../../src-preload/watch-rule.js';\n",
      ),
    ).toEqual([expect.stringMatching(/only the contract/)]);
  });

  it('lets the engine use the PRN grammar it shares with the contract', async () => {
    expect(
      await problems(
        'src-main/peridio/probe.ts',
        "export { parsePrn } from '../../src-preload/prn.js';\n",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'src-main/service/commands/probe.ts',
        "export { isPrn } from '../../../src-preload/prn.js';\n",
      ),
    ).toEqual([]);
  });

  it('catches electron imported outside the Electron room', async () => {
    expect(await problems('src-main/queue/probe.ts', "export { app } from 'electron';\n")).toEqual([
      expect.stringMatching(/never imports electron/),
    ]);
  });

  it('catches the Electron main process opening an engine room itself', async () => {
    expect(
      await problems(
        'src-main/electron/probe.ts',
        "export { openDeskService } from '../service/index.js';\n",
      ),
    ).toEqual([expect.stringMatching(/only through the host client/)]);
    expect(
      await problems(
        'src-main/electron/probe.ts',
        "export { EngineClient } from '../engine-host/index.js';\nexport { app } from 'electron';\n" +
          "export { defaultDataDir } from '../app-paths/index.js';\n",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'src-main/electron/probe.ts',
        "export { defaultDataDir } from '../settings/index.js';\n",
      ),
    ).toEqual([expect.stringMatching(/only through the host client/)]);
  });
});
