// Types of start-decision.mjs, for the unit test (the project does not typecheck .mjs files).
export declare const ELECTRON_MAIN: string;
export declare const DASHBOARD_BIN: string;

export type ElectronLookup = { path: string } | { missing: string };

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

export type StartDecision =
  | { run: 'electron' | 'dashboard'; command: string; args: string[]; notice?: string }
  | { run: 'nothing'; message: string };

export declare function decideStart(facts: {
  root: string;
  platform: string;
  env: Record<string, string | undefined>;
  electron: ElectronLookup;
  exists(file: string): boolean;
  nodePath: string;
  args: string[];
}): StartDecision;
