// Types of sqlite-addon.mjs, for the tests (the project does not typecheck .mjs files).
export interface BuildTools {
  prebuildInstall: string;
  nodeGyp: string;
}

export interface AddonTarget {
  runtime: 'electron' | 'node';
  target: string;
  arch: string;
  platform: string;
  tools: BuildTools;
  nodedir?: string;
}

export declare function buildTools(root: string): BuildTools;

export declare function addonBuildSteps(target: AddonTarget): { command: string; args: string[] }[];

export declare function buildSqliteAddon(
  options: AddonTarget & {
    packageDir: string;
    outFile: string;
    env?: Record<string, string | undefined>;
    onOutput?: 'inherit' | 'pipe';
    onBuildStart?: () => void;
  },
): { built: boolean; file: string };
