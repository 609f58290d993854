// Watch folders: list the rules with their status, save (add or edit), remove, pause and
// resume one. The settings keep the rules; the workspace's watch runner is told after each
// change, so the answer (and `watch:changed`) shows the rule as it is watched now.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CheckedInput, DeskErrorField } from '../../../src-preload/contract.js';
import { whyUnreadable } from '../../files/index.js';
import { SettingsError, type SettingsStore, type WatchRule } from '../../settings/index.js';
import { refuse } from '../desk-errors.js';
import type { DeskContext, HandlerMap } from './handler.js';
import { checkRuleSigningKey } from './watch-rule-signing-key.js';

type WatchCommand = 'watch.list' | 'watch.save' | 'watch.remove' | 'watch.pause' | 'watch.resume';

/** A refusal worded like the contract's own, so a face shows both alike. */
function refuseSave(fields: DeskErrorField[]) {
  return refuse(
    'invalid_input',
    'watch.save was not run: ' +
      fields.map((f) => `${f.field}: ${f.message}`).join('; ') +
      '. Fix the input and try again; nothing was changed.',
    fields,
  );
}

/**
 * The settings' own check of a rule (globs, paths on this system), with its defaults filled
 * in, except `paused`: an edit that does not mention it keeps the rule as it was.
 */
function checkedRule(
  settings: SettingsStore,
  input: CheckedInput<'watch.save'>['rule'],
  previous?: WatchRule,
): WatchRule {
  try {
    return settings.checkWatchRule({ ...input, paused: input.paused ?? previous?.paused });
  } catch (error) {
    if (!(error instanceof SettingsError) || error.code !== 'invalid_watch_rule') throw error;
    throw refuseSave(
      error.problems.map((p) => ({
        field: p.field === '' ? 'rule' : `rule.${p.field}`,
        message: p.message,
      })),
    );
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * What on the disk makes the rule unusable. A missing or unreadable folder is accepted (a
 * build may create it later; the rule shows as stopped until then), but a file where the
 * folder should be, or a folder of the app's own data (its spool would feed itself), is a
 * mistake to fix now. So is a signing key that does not exist: every upload would fail.
 */
async function diskProblems(
  rule: WatchRule,
  settings: SettingsStore,
  dataDir: string,
): Promise<DeskErrorField[]> {
  const problems: DeskErrorField[] = [];
  const folder = await stat(rule.folder).catch(() => undefined);
  if (folder && !folder.isDirectory()) {
    problems.push({
      field: 'rule.folder',
      message: `${rule.folder} is a file, not a folder; give the folder the builds are written to`,
    });
  }
  if (isInside(rule.folder, path.resolve(dataDir))) {
    problems.push({
      field: 'rule.folder',
      message: `${rule.folder} is inside Peridio Desk’s own data folder (${dataDir}); watch a build folder instead`,
    });
  }
  const key = rule.signingKey;
  if (key?.kind === 'keychain' && settings.getSigningKey(key.name) === undefined) {
    const known = settings.listSigningKeys().map((k) => k.name);
    problems.push({
      field: 'rule.signingKey.name',
      message:
        `there is no signing key named "${key.name}"; ` +
        (known.length ? `the keys are ${known.join(', ')}` : 'create or import one first'),
    });
  } else if (key?.kind === 'file') {
    let file: Stats | undefined;
    let why = 'is not a file';
    try {
      file = await stat(key.privateKeyPath);
    } catch (error) {
      why = whyUnreadable(error);
    }
    if (!file?.isFile()) {
      problems.push({
        field: 'rule.signingKey.privateKeyPath',
        message: `${key.privateKeyPath} ${why}; give the private key's PEM file`,
      });
    }
  }
  return problems;
}

function notFound(settings: SettingsStore, name: string, field: string) {
  const known = settings.listWatchRules().map((rule) => rule.name);
  return refuse(
    'watch_rule_not_found',
    `There is no watch rule named "${name}". ` +
      (known.length === 0 ? 'No watch rules exist yet.' : `Watch rules: ${known.join(', ')}.`),
    [{ field, message: 'no rule has this name' }],
  );
}

export const watchCommands: HandlerMap<WatchCommand> = {
  async 'watch.list'(_input, { watch }) {
    return watch().list();
  },

  async 'watch.save'({ rule: input, editing }, context) {
    const {
      stores: { settings },
      watch,
    } = context;
    const previous = editing === undefined ? undefined : settings.getWatchRule(editing);
    if (editing !== undefined && previous === undefined) {
      throw notFound(settings, editing, 'editing');
    }
    if (input.name !== editing && settings.getWatchRule(input.name) !== undefined) {
      throw refuseSave([
        {
          field: 'rule.name',
          message: `a watch rule named "${input.name}" already exists; edit that one, or choose another name`,
        },
      ]);
    }
    const rule = checkedRule(settings, input, previous);
    const problems = await diskProblems(rule, settings, watch().dataDir);
    // The key as an upload checks it, once it exists at all.
    const keyCheck = problems.some((p) => p.field.startsWith('rule.signingKey'))
      ? undefined
      : await checkRuleSigningKey(rule, context);
    problems.push(...(keyCheck?.problems ?? []));
    if (problems.length) throw refuseSave(problems);
    settings.addWatchRule(rule, { replace: true });
    // Renamed: the new name is saved before the old one goes, so a failure loses nothing.
    if (editing !== undefined && editing !== rule.name) settings.removeWatchRule(editing);
    await watch().reload();
    if (keyCheck?.note !== undefined) watch().note(rule.name, keyCheck.note);
    return watch().view(rule.name)!;
  },

  async 'watch.remove'({ name }, { stores: { settings }, watch }) {
    const removed = settings.removeWatchRule(name);
    if (removed) await watch().reload();
    return { removed };
  },

  async 'watch.pause'({ name }, context) {
    return setPaused(name, true, context);
  },

  async 'watch.resume'({ name }, context) {
    return setPaused(name, false, context);
  },
};

async function setPaused(
  name: string,
  paused: boolean,
  { stores: { settings }, watch }: DeskContext,
) {
  const rule = settings.getWatchRule(name);
  if (rule === undefined) throw notFound(settings, name, 'name');
  if (rule.paused !== paused) {
    settings.setWatchRulePaused(name, paused);
    await watch().reload();
  }
  return watch().view(name)!;
}
