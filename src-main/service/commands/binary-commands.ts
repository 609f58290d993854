// Binaries of an artifact version, each with the lifecycle actions allowed now, and the
// actions themselves. Destroying is irreversible, so it needs the binary's target typed back.
import type { BinaryView } from '../../../src-preload/contract.js';
import { allowedActions } from '../../lifecycle/index.js';
import { searchBinaries, type Binary } from '../../peridio/index.js';
import { awaitsContent } from '../../workflow/index.js';
import { refuse } from '../desk-errors.js';
import type { HandlerMap } from './handler.js';

type BinaryCommand =
  | 'binaries.list'
  | 'binaries.get'
  | 'binaries.markComplete'
  | 'binaries.reset'
  | 'binaries.sign'
  | 'binaries.affectedReleases'
  | 'binaries.destroy';

function view(binary: Binary): BinaryView {
  return {
    ...binary,
    contentPending: awaitsContent(binary),
    allowedActions: allowedActions(binary.state),
  };
}

export const binaryCommands: HandlerMap<BinaryCommand> = {
  async 'binaries.list'({ artifactVersionPrn, cursor, limit }, { client }) {
    const page = await client().binaries.list({
      search: searchBinaries().eq('artifact_version_prn', artifactVersionPrn),
      ...(cursor ? { page: cursor } : {}),
      ...(limit ? { limit } : {}),
    });
    return { items: page.items.map(view), nextCursor: page.nextPage };
  },

  async 'binaries.get'({ prn }, { client }) {
    return view(await client().binaries.get(prn));
  },

  async 'binaries.markComplete'({ prn }, { client }) {
    return view(await client().binaries.setState(prn, 'hashable'));
  },

  async 'binaries.reset'({ prn }, { client }) {
    return view(await client().binaries.reset(prn));
  },

  async 'binaries.sign'({ prn, signingKey }, { client, checkSigningKey }) {
    const api = client();
    const binary = await api.binaries.get(prn);
    if (!allowedActions(binary.state).sign) {
      throw refuse(
        'not_signable',
        `The binary ${binary.target} (${prn}) is ${binary.state}; it can be signed once the ` +
          'server has hashed it (signable) or when it is signed already.',
      );
    }
    const { signer } = await checkSigningKey(signingKey);
    await api.binarySignatures.create({
      binary_prn: prn,
      signature: signer.sign(binary.hash),
      signing_key_prn: signer.signingKeyPrn,
    });
    return view(await api.binaries.get(prn));
  },

  async 'binaries.affectedReleases'({ prn }, { client }) {
    const affected = await client().releasesAffectedByDestroying(prn);
    return { bundles: affected.bundles, releases: affected.releases };
  },

  async 'binaries.destroy'({ prn, confirmTarget, disableReleasePrns = [] }, { client }) {
    const api = client();
    const binary = await api.binaries.get(prn);
    if (confirmTarget !== binary.target) {
      throw refuse(
        'confirmation_mismatch',
        `Not destroyed: the confirmation "${confirmTarget}" is not the target of ${prn} ` +
          `(${binary.target}). Type the binary's target exactly to confirm.`,
        [{ field: 'confirmTarget', message: `must be "${binary.target}"` }],
      );
    }
    if (disableReleasePrns.length > 0) {
      // Only releases the binary's destruction affects may be disabled on its behalf.
      const affected = new Set(
        (await api.releasesAffectedByDestroying(prn)).releases.map((r) => r.prn),
      );
      const strangers = disableReleasePrns.filter((release) => !affected.has(release));
      if (strangers.length > 0) {
        throw refuse(
          'not_affected',
          `Not destroyed: ${strangers.join(', ')} ${strangers.length === 1 ? 'does' : 'do'} not use ` +
            `${binary.target} (${prn}). Ask for the affected releases again and choose among them.`,
          strangers.map(() => ({
            field: 'disableReleasePrns',
            message: 'not an affected release',
          })),
        );
      }
      for (const release of disableReleasePrns) await api.releases.archive(release);
    }
    return {
      binary: view(await api.binaries.destroy(prn)),
      disabledReleasePrns: disableReleasePrns,
    };
  },
};
