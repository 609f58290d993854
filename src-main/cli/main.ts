import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DeskCommandError } from '../service/index.js';
import { artifactsCommand } from './artifacts.js';
import { EXIT, UsageError, type CliCommand } from './command.js';
import { binariesCommand } from './binaries.js';
import { dashboardCommand } from './dashboard.js';
import { keysCommand } from './keys.js';
import { localServeCommand } from './local-serve.js';
import { loginCommand } from './login.js';
import { preferencesCommand } from './preferences.js';
import { profilesCommand } from './profiles.js';
import { queueCommand } from './queue.js';
import { setJsonOutput } from './session.js';
import { startCommand } from './start.js';
import { uploadCommand } from './upload.js';
import { versionsCommand } from './versions.js';
import { watchCommand } from './watch.js';

const COMMANDS: CliCommand[] = [
  startCommand,
  uploadCommand,
  queueCommand,
  watchCommand,
  dashboardCommand,
  artifactsCommand,
  versionsCommand,
  binariesCommand,
  keysCommand,
  loginCommand,
  profilesCommand,
  preferencesCommand,
  localServeCommand,
];

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
function findCommand(argv: string[]): { command: CliCommand; rest: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, rest: argv.slice(words) };
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
  const { command, rest } = found;
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
      process.stderr.write(`peridio-desk ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT.usage;
    }
    // An input the contract refuses is a usage mistake, worded as every face words it.
    if (error instanceof DeskCommandError && error.data.code === 'invalid_input') {
      process.stderr.write(
        `peridio-desk ${command.name}: ${error.message}\nSee \`peridio-desk ${command.name} --help\`.\n`,
      );
      return EXIT.usage;
    }
    process.stderr.write(
      `peridio-desk ${command.name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.failed;
  }
}
