// Option parsing shared by the commands: node's parseArgs, with its mistakes as UsageErrors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { JOB_CONCURRENCY, parseRate } from '../../src-preload/contract.js';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

function parse<T extends Options>(args: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses options strictly: unknown options and stray words are usage errors. */
export function parseOptions<T extends Options>(args: string[], options: T) {
  return parse(args, options, false).values;
}

/** Parses options strictly, keeping the words that are not options (files, ids). */
export function parseOptionsAndWords<T extends Options>(args: string[], options: T) {
  const { values, positionals } = parse(args, options, true);
  return { values, words: positionals };
}

export function wholeNumber(option: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** `--concurrency N`: parts in flight per job (unset: the preference decides). */
export function partConcurrencyOption(text: string | undefined): number | undefined {
  return text === undefined ? undefined : wholeNumber('--concurrency', text, 1, 16);
}

/** `--jobs N`: uploads at once, fixed (unset: the preference, else the engine adapts). */
export function jobConcurrencyOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  const { min, max } = JOB_CONCURRENCY;
  if (!(value >= min && value <= max)) {
    throw new UsageError(
      `--jobs must be a whole number of uploads at once from ${min} to ${max}, got "${text}"; leave it out to let the engine choose from the files' sizes`,
    );
  }
  return value;
}

/** `--max-rate RATE`: this process's bandwidth cap, as the app writes it (unset: the
 * preference decides). `said` names it in a refusal. */
export function maxRateOption(text: string | undefined, said = '--max-rate'): string | undefined {
  if (text === undefined) return undefined;
  const parsed = parseRate(text);
  if (!parsed.ok) throw new UsageError(`${said}: ${parsed.message}`);
  return parsed.text;
}
