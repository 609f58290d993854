// A watch rule's signing key, checked when the rule is saved as an upload checks it before
// sending anything: a key whose every signature would be refused makes a rule that fails on
// each build, so it is a mistake to fix at the form. A server that cannot be reached does not
// block editing offline: the rule is saved, and it says its key waits for that check.
import type { DeskErrorField, SigningKeyChoice } from '../../../src-preload/contract.js';
import { parsePrn } from '../../peridio/index.js';
import type { SettingsStore, WatchRule } from '../../settings/index.js';
import { DeskCommandError } from '../desk-errors.js';
import { privateHalf, signingKeyName } from '../signing-key-check.js';
import type { DeskContext } from './handler.js';

export interface RuleKeyCheck {
  /** Why the rule cannot be saved with this key (none: it can). */
  problems: DeskErrorField[];
  /** What could not be checked yet, for the rule's last message. */
  note?: string;
}

const organizationOf = (prn: string | undefined): string | undefined => {
  const parsed = parsePrn(prn);
  return parsed.ok ? parsed.prn.organizationId : undefined;
};

/** The PRN the key is registered as, as far as is known without asking anyone. */
function keyPrnOf(key: SigningKeyChoice, settings: SettingsStore): string | undefined {
  return key.kind === 'file' ? key.signingKeyPrn : settings.getSigningKey(key.name)?.signingKeyPrn;
}

const fieldOf = (key: SigningKeyChoice) =>
  key.kind === 'keychain' ? 'rule.signingKey.name' : 'rule.signingKey.privateKeyPath';

/** A refusal's words as a field message: the save's own refusal says nothing was changed. */
const asFieldMessage = (message: string) =>
  message.replace(/ Nothing was sent\.$/, '').replace(/\.$/, '');

/**
 * Checks the rule's signing key: the private half (keychain entry, Ed25519 PEM) always; for a
 * rule of the workspace's organization also its registration on the server (same public key,
 * same organization). A rule kept for another workspace has its key checked against that
 * workspace's server once it is in use.
 */
export async function checkRuleSigningKey(
  rule: WatchRule,
  { stores: { settings, vault }, checkSigningKey, organizationPrn }: DeskContext,
): Promise<RuleKeyCheck> {
  const key = rule.signingKey;
  if (key === null) return { problems: [] };
  const name = signingKeyName(key);
  const ruleOrganization = organizationOf(
    rule.artifactVersionPrn ?? rule.artifactVersion?.artifactPrn,
  );
  const keyOrganization = organizationOf(keyPrnOf(key, settings));
  if (ruleOrganization && keyOrganization && ruleOrganization !== keyOrganization) {
    return {
      problems: [
        {
          field: fieldOf(key),
          message:
            `the signing key ${name} is registered in organization ${keyOrganization}, but the ` +
            `rule's artifact belongs to organization ${ruleOrganization}, so every signature ` +
            'would be refused; choose a key of that organization (see `peridio-desk keys list`)',
        },
      ],
    };
  }
  try {
    const workspaceOrganization = organizationOf(await organizationPrn());
    if (ruleOrganization && workspaceOrganization && ruleOrganization !== workspaceOrganization) {
      await privateHalf(key, { settings, vault });
      return {
        problems: [],
        note:
          `the signing key ${name} is checked against the server once the workspace of ` +
          `organization ${ruleOrganization} is in use`,
      };
    }
    const { unconfirmed } = await checkSigningKey(key);
    if (unconfirmed === undefined) return { problems: [] };
    return {
      problems: [],
      note:
        `the signing key ${name} could not be checked against the server yet (${unconfirmed}); ` +
        'it is checked again before each upload',
    };
  } catch (error) {
    if (!(error instanceof DeskCommandError)) throw error;
    return { problems: [{ field: fieldOf(key), message: asFieldMessage(error.message) }] };
  }
}
