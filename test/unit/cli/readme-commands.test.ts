// The README's command list says what `peridio-desk --help` says: every command the overview
// lists, and every subcommand a command's usage line names (`keys <list|import|…>`), has a
// `peridio-desk …` line in the README's command-line block; and the README names no command
// or subcommand the CLI does not have.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src-main/cli/commands.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** The `peridio-desk …` lines of the README's "The command line" block, without the prefix. */
function readmeCommandLines(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## The command line\n')[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .filter((line) => line.startsWith('peridio-desk '))
    .map((line) => line.slice('peridio-desk '.length));
}

/** The commands with the subcommands their usage names (`<list|create>`), as the CLI has them. */
async function cliCommands(): Promise<Map<string, string[]>> {
  const commands = new Map<string, string[]>();
  for (const entry of COMMANDS) {
    const { usage } = await entry.load();
    const subs = new RegExp(`peridio-desk ${entry.name} <([a-z|-]+)>`).exec(usage)?.[1];
    commands.set(entry.name, subs ? subs.split('|') : []);
  }
  return commands;
}

/** The commands and subcommands the README names: `queue list … | pause ID` names two. */
function readmeCommands(names: readonly string[]): Map<string, Set<string>> {
  const named = new Map<string, Set<string>>();
  for (const line of readmeCommandLines()) {
    if (line.startsWith('--')) continue;
    // A command of two words (`local serve`) first.
    const name =
      [...names].sort((a, b) => b.length - a.length).find((n) => `${line} `.startsWith(`${n} `)) ??
      line.split(' ')[0]!;
    const rest = line.slice(name.length).trim();
    const subs = named.get(name) ?? new Set<string>();
    for (const segment of rest.split(' | ')) {
      const word = segment.trim().split(/\s+/)[0] ?? '';
      if (/^[a-z][a-z-]*$/.test(word)) subs.add(word);
    }
    named.set(name, subs);
  }
  return named;
}

describe('the README’s command list', { timeout: 60_000 }, () => {
  it('has a line for every command and subcommand the CLI has, and none it lacks', async () => {
    const cli = await cliCommands();
    const readme = readmeCommands([...cli.keys()]);
    const missing: string[] = [];
    for (const [name, subs] of cli) {
      if (!readme.has(name)) missing.push(name);
      for (const sub of subs) if (!readme.get(name)?.has(sub)) missing.push(`${name} ${sub}`);
    }
    expect(missing).toEqual([]);

    const unknown: string[] = [];
    for (const [name, words] of readme) {
      if (!cli.has(name)) unknown.push(name);
      const subs = cli.get(name) ?? [];
      if (subs.length === 0) continue;
      for (const word of words) if (!subs.includes(word)) unknown.push(`${name} ${word}`);
    }
    expect(unknown).toEqual([]);
  });
});
