// A watch rules file, read behind the service's door for the command line's agent: the file's
// own checks (the watch room's), and for `watch --check` each rule's signing key as an upload
// checks it. A face gets the rules, or what is wrong as plain data, and prints.
import path from 'node:path';
import type { WatchRule, WatchRuleProblem } from '../settings/index.js';
import { RulesFileError, loadRulesFile, type RulesFileErrorData } from '../watch/index.js';
import { DeskCommandError, refuse } from './desk-errors.js';

export type RulesFileCheck =
  { ok: true; rules: WatchRule[] } | { ok: false; error: RulesFileErrorData };

/**
 * The rules of the file the agent is to watch. Rejects with DeskCommandError: the file's
 * code (`rules_file_missing`, `rules_invalid`, …) or `rules_file_empty` for a file of no rules.
 */
export async function readWatchRulesFile(file: string): Promise<WatchRule[]> {
  let rules: WatchRule[];
  try {
    rules = await loadRulesFile(file);
  } catch (error) {
    if (!(error instanceof RulesFileError)) throw error;
    throw new DeskCommandError({ code: error.code, message: error.message });
  }
  if (rules.length === 0) {
    throw refuse(
      'rules_file_empty',
      `The watch rules file "${path.resolve(file)}" holds no rules; add at least one.`,
    );
  }
  return rules;
}

/**
 * The file's rules if they can be watched: the file's checks, then each rule's signing key
 * (`checkKey` rejects with the reason, as an upload would before sending anything).
 */
export async function checkWatchRulesFile(
  file: string,
  checkKey: (signingKey: NonNullable<WatchRule['signingKey']>) => Promise<unknown>,
): Promise<RulesFileCheck> {
  try {
    const rules = await loadRulesFile(file);
    const problems: WatchRuleProblem[] = [];
    for (const { name, signingKey } of rules) {
      if (!signingKey) continue;
      try {
        await checkKey(signingKey);
      } catch (error) {
        if (!(error instanceof DeskCommandError)) throw error;
        problems.push({ rule: name, field: 'signingKey', message: error.message });
      }
    }
    if (problems.length > 0) throw RulesFileError.invalid(problems, file);
    return { ok: true, rules };
  } catch (error) {
    if (!(error instanceof RulesFileError)) throw error;
    return { ok: false, error: error.toJSON() };
  }
}
