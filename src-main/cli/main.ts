import { UsageError, type CliCommand } from './command.js';
import { binariesCommand } from './binaries.js';
import { dashboardCommand } from './dashboard.js';
import { keysCommand } from './keys.js';
import { localServeCommand } from './local-serve.js';
import { loginCommand } from './login.js';
import { profilesCommand } from './profiles.js';
import { queueCommand } from './queue.js';
import { startCommand } from './start.js';
import { uploadCommand } from './upload.js';
import { watchCommand } from './watch.js';

const COMMANDS: CliCommand[] = [
  startCommand,
  uploadCommand,
  queueCommand,
  watchCommand,
  dashboardCommand,
  binariesCommand,
  keysCommand,
  loginCommand,
  profilesCommand,
  localServeCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'peridio-desk: upload, sign and manage Peridio binaries',
    '',
    'Usage: peridio-desk <command> [options]',
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

export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${overview()}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`Unknown command "${argv.join(' ')}".\n\n${overview()}\n`);
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`peridio-desk ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(
      `peridio-desk ${command.name} failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}
