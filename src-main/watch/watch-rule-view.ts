// A watch rule as the faces see and send it (the contract's shape: keys as SigningKeyChoice,
// the unused version field as null) and back to the settings' rule input.
import type {
  CheckedInput,
  SigningKeyChoice,
  WatchRuleSettingsView,
} from '../../src-preload/contract.js';
import type { RuleSigningKey, WatchRule, WatchRuleInput } from '../settings/index.js';

export type WatchRuleFormInput = CheckedInput<'watch.save'>['rule'];

function keyChoiceOf(key: RuleSigningKey | undefined): SigningKeyChoice | null {
  if (key === undefined) return null;
  if (typeof key === 'string') return { kind: 'keychain', name: key };
  return { kind: 'file', privateKeyPath: key.privateKeyPath, signingKeyPrn: key.signingKeyPrn };
}

function ruleKeyOf(choice: SigningKeyChoice | null | undefined): RuleSigningKey | undefined {
  if (!choice) return undefined;
  if (choice.kind === 'keychain') return choice.name;
  return { privateKeyPath: choice.privateKeyPath, signingKeyPrn: choice.signingKeyPrn };
}

export function ruleSettingsView(rule: WatchRule): WatchRuleSettingsView {
  return {
    name: rule.name,
    folder: rule.folder,
    recursive: rule.recursive,
    include: [...rule.include],
    exclude: [...rule.exclude],
    artifactVersionPrn: rule.artifactVersionPrn ?? null,
    artifactVersion: rule.artifactVersion ? { ...rule.artifactVersion } : null,
    target: typeof rule.target === 'string' ? rule.target : { ...rule.target },
    signingKey: keyChoiceOf(rule.signingKey),
    replace: rule.replace,
    spool: rule.spool,
    settleMs: rule.settleMs,
    paused: rule.paused,
  };
}

/**
 * The settings' input for a rule sent by a face. Fields left out take the settings'
 * defaults, except `paused`: an edit that does not mention it keeps the rule as it was.
 */
export function ruleInputOf(form: WatchRuleFormInput, previous?: WatchRule): WatchRuleInput {
  const signingKey = ruleKeyOf(form.signingKey);
  const paused = form.paused ?? previous?.paused;
  return {
    name: form.name,
    folder: form.folder,
    target: form.target,
    ...(form.recursive !== undefined ? { recursive: form.recursive } : {}),
    ...(form.include !== undefined ? { include: form.include } : {}),
    ...(form.exclude !== undefined ? { exclude: form.exclude } : {}),
    ...(form.artifactVersionPrn ? { artifactVersionPrn: form.artifactVersionPrn } : {}),
    ...(form.artifactVersion ? { artifactVersion: form.artifactVersion } : {}),
    ...(signingKey !== undefined ? { signingKey } : {}),
    ...(form.replace !== undefined ? { replace: form.replace } : {}),
    ...(form.spool !== undefined ? { spool: form.spool } : {}),
    ...(form.settleMs !== undefined ? { settleMs: form.settleMs } : {}),
    ...(paused !== undefined ? { paused } : {}),
  };
}
