// A file's path as a rule sees it: relative to the rule's folder, with `/` between folders on
// every system, so the same globs and path patterns work on Windows, macOS and Linux.
import path from 'node:path';

export interface RulePathOptions {
  /** The path rules of the system the paths come from; this system's unless given (tests
   * pass path.win32 to check Windows paths anywhere). */
  pathApi?: path.PlatformPath;
}

/** `absolutePath` relative to `folder` with `/` separators, or undefined when it is not
 * inside the folder (or is the folder itself). */
export function relativePathIn(
  folder: string,
  absolutePath: string,
  options: RulePathOptions = {},
): string | undefined {
  const pathApi = options.pathApi ?? path;
  const relative = pathApi.relative(folder, absolutePath);
  // Another drive on Windows gives an absolute path back.
  if (relative === '' || pathApi.isAbsolute(relative)) return undefined;
  if (relative === '..' || relative.startsWith(`..${pathApi.sep}`)) return undefined;
  return pathApi.sep === '/' ? relative : relative.split(pathApi.sep).join('/');
}
