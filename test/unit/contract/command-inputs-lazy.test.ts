// The command input schemas are built when a command is first checked, not at start: a
// command-line run checks one or two, and building all of them cost every start 6-10 ms.
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandInputs, isCommandName } from '../../../src-preload/contract.js';

const isBuilt = (name: keyof typeof commandInputs) =>
  'value' in Object.getOwnPropertyDescriptor(commandInputs, name)!;

describe('command input schemas', () => {
  it('are built at first use, one at a time, and kept', () => {
    expect(isBuilt('jobs.pause')).toBe(false);
    const schema = commandInputs['jobs.pause'];
    expect(isBuilt('jobs.pause')).toBe(true);
    expect(isBuilt('jobs.resume')).toBe(false);
    expect(commandInputs['jobs.pause']).toBe(schema);
    expect(schema.safeParse({ id: 'not a job id' }).success).toBe(false);
  });

  it('are there for every command name, listed and recognised', () => {
    expect(Object.keys(commandInputs).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const name of COMMAND_NAMES) expect(isCommandName(name)).toBe(true);
  });
});
