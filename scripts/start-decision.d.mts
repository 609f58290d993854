// Types of start-decision.mjs, for the unit test (the project does not typecheck .mjs files).
export declare const ELECTRON_MAIN: string;
export declare const DASHBOARD_BIN: string;
export declare const USERNS_RESTRICTION_FILE: string;

export type ElectronLookup = { path: string; version: string } | { missing: string };

export declare function findElectronExecutable(facts: {
  electronDir: string | null;
  env: Record<string, string | undefined>;
  exists(file: string): boolean;
  readText(file: string): string | null;
}): ElectronLookup;

export declare function hasDisplay(
  platform: string,
  env: Record<string, string | undefined>,
): boolean;

export declare function chromeSandboxProblem(facts: {
  platform: string;
  electronPath: string;
  readText(file: string): string | null;
  stat(file: string): { uid: number; mode: number } | null;
}): string | null;

export type StartDecision =
  | { run: 'electron'; command: string; args: string[]; electronVersion: string }
  | { run: 'dashboard'; command: string; args: string[]; notice: string }
  | { run: 'nothing'; message: string };

interface StartFacts {
  root: string;
  exists(file: string): boolean;
  nodePath: string;
  args: string[];
}

export declare function decideStart(
  facts: StartFacts & {
    platform: string;
    env: Record<string, string | undefined>;
    electron: ElectronLookup;
    sandboxProblem: string | null;
  },
): StartDecision;

export declare function dashboardInstead(facts: StartFacts, why: string): StartDecision;
