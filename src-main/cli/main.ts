import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError, type CommandEntry } from './command.js';
import { COMMANDS } from './commands.js';
import { setJsonOutput } from './session.js';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'peridio-desk: upload, sign and manage Peridio binaries',
    '',
    'Usage: peridio-desk <command> [options]',
    '       peridio-desk --version',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `peridio-desk <command> --help` for a command’s options.',
  ].join('\n');
}

/** Finds the command named by the first one or two words of argv. */
function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const entry = COMMANDS.find((c) => c.name === name);
    if (entry) return { entry, rest: argv.slice(words) };
  }
  return undefined;
}

/** This package's version, from the package.json next to the sources or to dist. */
export function packageVersion(from: string = import.meta.dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${overview()}\n`);
    return EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    process.stdout.write(`peridio-desk ${packageVersion()}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`Unknown command "${argv.join(' ')}".\n\n${overview()}\n`);
    return EXIT.usage;
  }
  const { entry, rest } = found;
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  setJsonOutput(options.includes('--json'));
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`peridio-desk ${entry.name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    // An input the contract refuses is a usage mistake, worded as every face words it.
    if (await isRefusedInput(error)) {
      process.stderr.write(
        `peridio-desk ${entry.name}: ${(error as Error).message}\nSee \`peridio-desk ${entry.name} --help\`.\n`,
      );
      return EXIT.usage;
    }
    process.stderr.write(
      `peridio-desk ${entry.name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.failed;
  }
}

/** An input the contract refused. The service is loaded already when it could throw one. */
async function isRefusedInput(error: unknown): Promise<boolean> {
  const { DeskCommandError } = await import('../service/index.js');
  return error instanceof DeskCommandError && error.data.code === 'invalid_input';
}
