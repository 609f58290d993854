// The watch rules file: `{"rules": [...]}`, checked whole before any rule is used, so one
// mistake is reported (naming the file, the rule and the field) instead of half the rules
// running. Relative folders and key paths in a file are taken from the file's folder, so a
// rules file can sit beside the builds it describes; saved files hold absolute paths.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { unknownField } from '../../src-preload/contract.js';
import { readRegularFile, whyUnreadable } from '../files/index.js';
import {
  describeRuleProblems,
  ruleProblemsOf,
  watchRuleListSchema,
  type WatchRule,
  type WatchRuleProblem,
} from '../settings/index.js';
import { RulesFileError } from './rules-file-error.js';

export interface ParseWatchRulesOptions {
  /** The folder relative paths are taken from (a rules file's own folder); without it,
   * relative paths are refused. */
  baseDir?: string;
}

function rulesFileSchema(baseDir: string | undefined) {
  return z.strictObject(
    { rules: watchRuleListSchema(baseDir) },
    {
      error: (issue) =>
        unknownField(issue) ?? 'the file must hold {"rules": [ ... ]}, one object per rule',
    },
  );
}

/** The rules in `json`, or the problems with them. */
function checkRules(
  json: unknown,
  baseDir: string | undefined,
): { ok: true; rules: WatchRule[] } | { ok: false; problems: WatchRuleProblem[] } {
  const parsed = rulesFileSchema(baseDir).safeParse(json);
  if (parsed.success) return { ok: true, rules: parsed.data.rules };
  const rules: unknown =
    typeof json === 'object' && json !== null ? (json as { rules?: unknown }).rules : undefined;
  return { ok: false, problems: ruleProblemsOf(parsed.error, rules, ['rules']) };
}

/** Checks parsed JSON of the form `{"rules": [...]}` and returns the rules with defaults
 * filled in. Throws RulesFileError listing every problem. */
export function parseWatchRules(json: unknown, options: ParseWatchRulesOptions = {}): WatchRule[] {
  const checked = checkRules(json, options.baseDir);
  if (!checked.ok) throw RulesFileError.invalid(checked.problems);
  return checked.rules;
}

/** Where in `text` a JSON.parse error is, as "line 3, column 5". */
function jsonErrorPlace(text: string, error: Error): string {
  let offset: number;
  const position = /at position (\d+)/.exec(error.message);
  if (position !== null) offset = Number(position[1]);
  else if (/Unexpected end of JSON input/.test(error.message)) offset = text.length;
  else {
    // Some of V8's messages ("Unexpected token '}'") give no position. Every prefix of the
    // text before the mistake is valid JSON or merely cut short (V8 then says "Unexpected
    // end", or puts the error at the very end), and every longer one fails otherwise, so the
    // shortest such failing prefix ends at the mistake.
    const failsHere = (length: number) => {
      try {
        JSON.parse(text.slice(0, length));
        return false;
      } catch (prefixError) {
        const message = (prefixError as Error).message;
        const at = /at position (\d+)/.exec(message);
        const cutShort =
          /Unexpected end of JSON input/.test(message) || (at !== null && Number(at[1]) >= length);
        return !cutShort;
      }
    };
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (failsHere(middle)) high = middle;
      else low = middle + 1;
    }
    offset = Math.max(0, low - 1);
  }
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Reads and checks a rules file; relative paths in it are taken from its folder. Throws
 * RulesFileError when the file is missing, unreadable, not JSON or not valid. */
export async function loadRulesFile(filePath: string): Promise<WatchRule[]> {
  const absolute = path.resolve(filePath);
  let text: string;
  try {
    text = (await readRegularFile(absolute)).toString('utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RulesFileError(
      missing ? 'rules_file_missing' : 'rules_file_unreadable',
      `The watch rules file "${absolute}" ${whyUnreadable(error)}.` +
        (missing
          ? ' Check the path, or create the file with {"rules": [ ... ]}.'
          : ' Check that it is a file this user may read.'),
      { filePath: absolute, cause: error },
    );
  }
  // Notepad and some editors on Windows start UTF-8 files with a byte order mark, which
  // JSON.parse refuses.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const place = jsonErrorPlace(text, error as Error);
    throw new RulesFileError(
      'rules_file_not_json',
      `The watch rules file "${absolute}" is not valid JSON at ${place} ` +
        `(${(error as Error).message}). ` +
        'Fix it and load it again (comments and trailing commas are not allowed in JSON).',
      { filePath: absolute, cause: error },
    );
  }
  const checked = checkRules(json, path.dirname(absolute));
  if (!checked.ok) throw RulesFileError.invalid(checked.problems, absolute);
  return checked.rules;
}

/**
 * Checks the rules and writes them as `{"rules": [...]}`, replacing the file in one step:
 * written to a temporary file beside it, synced, then renamed over it, so a crash leaves the
 * old file or the new one, never half of one. (The temporary name ends in `.tmp`, which
 * every rule ignores, in case the file sits in a watched folder.)
 */
export async function saveRulesFile(filePath: string, rules: readonly WatchRule[]): Promise<void> {
  const absolute = path.resolve(filePath);
  const checked = checkRules({ rules }, undefined);
  if (!checked.ok) {
    throw new RulesFileError(
      'rules_invalid',
      `The watch rules cannot be saved to "${absolute}": ` +
        `${describeRuleProblems(checked.problems)}. Nothing was written.`,
      { filePath: absolute, problems: checked.problems },
    );
  }
  const text = `${JSON.stringify({ rules: checked.rules }, null, 2)}\n`;
  await mkdir(path.dirname(absolute), { recursive: true });
  const temporary = `${absolute}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, absolute);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
