// The workspace, profiles and signing keys: settings in the settings file, secrets in the
// keychain, and neither API keys nor private keys ever in an answer.
import {
  checkProxyInput,
  withProxyPassword,
  type ProfileView,
} from '../../../src-preload/contract.js';
import { environmentProxyPlan } from '../../credentials/index.js';
import { isPeridioError, PeridioClient, search } from '../../peridio/index.js';
import {
  createSigningKey,
  forgetProfile,
  forgetSigningKey,
  hasApiKey,
  hasProxyPassword,
  importPeridioCliSettings,
  saveProfile,
  setProfileProxy,
  storeSigningKey,
  type CredentialStores,
  type Profile,
} from '../../settings/index.js';
import { importPrivateKeyPem, isSigningError } from '../../signing/index.js';
import { refuse } from '../desk-errors.js';
import { workspaceWords } from '../organization-check.js';
import type { HandlerMap } from './handler.js';

type AccountCommand =
  | 'workspace.get'
  | 'workspace.checkConnection'
  | 'profiles.list'
  | 'profiles.add'
  | 'profiles.use'
  | 'profiles.remove'
  | 'profiles.setProxy'
  | 'profiles.importCli'
  | 'keys.list'
  | 'keys.import'
  | 'keys.create'
  | 'keys.remove'
  | 'keys.check';

async function profileView(stores: CredentialStores, profile: Profile): Promise<ProfileView> {
  return {
    ...profile,
    current: stores.settings.currentProfileName() === profile.name,
    hasApiKey: await hasApiKey(stores.vault, profile.name),
    hasProxyPassword: await hasProxyPassword(stores.vault, profile),
  };
}

export const accountCommands: HandlerMap<AccountCommand> = {
  async 'workspace.get'(_input, { workspace }) {
    return workspace();
  },

  async 'workspace.checkConnection'(_input, { engine, workspace }) {
    // Coming back online wakes the waiting jobs and tells every face (connectivity:changed).
    await engine().connectivity.checkNow();
    return workspace();
  },

  async 'profiles.list'(_input, { stores }) {
    return Promise.all(stores.settings.listProfiles().map((p) => profileView(stores, p)));
  },

  async 'profiles.add'(
    { name, baseUrl, apiKey, caPath, proxyUrl, proxyPassword, replace },
    { stores, env },
  ) {
    const input = { name, baseUrl, ...(caPath ? { caPath } : {}) };
    // Checked as the settings would, then the key is tried on the server before anything is
    // kept, the way the profile will go: through its proxy unless the environment says otherwise.
    const profile = stores.settings.checkProfile(input);
    const proxy = proxyUrl === undefined ? undefined : checkProxyInput(proxyUrl, proxyPassword);
    if (proxy !== undefined && !proxy.ok) throw refuse('invalid_input', proxy.message);
    const { url: proxyAt, password } = proxy?.parts ?? {};
    const client = new PeridioClient({
      baseUrl: profile.baseUrl,
      apiKey,
      ...(profile.caPath ? { caPath: profile.caPath } : {}),
      proxy: {
        ...environmentProxyPlan(env),
        ...(proxyAt === undefined
          ? {}
          : {
              profile: {
                url: password === undefined ? proxyAt : withProxyPassword(proxyAt, password),
                profileName: name,
              },
            }),
      },
    });
    let organizationPrn: string;
    try {
      organizationPrn = (await client.users.me()).organization_prn;
    } finally {
      client.close();
    }
    const saved = await saveProfile(
      stores,
      { ...input, organizationPrn, ...(proxyUrl === undefined ? {} : { proxyUrl }) },
      {
        apiKey,
        replace: replace === true,
        ...(proxyPassword === undefined ? {} : { proxyPassword }),
      },
    );
    return profileView(stores, saved);
  },

  async 'profiles.use'({ name }, { stores, reopenWorkspace }) {
    const previous = stores.settings.currentProfileName();
    stores.settings.useProfile(name);
    return reopenWorkspace(() => stores.settings.useProfile(previous));
  },

  async 'profiles.remove'({ name }, { stores, workspace, reopenWorkspace, isWorkspaceOpen }) {
    const wasInUse = isWorkspaceOpen() && workspace().profileName === name;
    const removed = await forgetProfile(stores, name);
    if (wasInUse) await reopenWorkspace();
    return { removed };
  },

  async 'profiles.setProxy'(
    { name, proxyUrl, proxyPassword },
    { stores, workspace, reopenWorkspace, isWorkspaceOpen },
  ) {
    const profile = await setProfileProxy(
      stores,
      name,
      proxyUrl === null
        ? null
        : { proxyUrl, ...(proxyPassword === undefined ? {} : { proxyPassword }) },
    );
    // The open workspace took the proxy when it was opened: opened again, it takes the new one.
    if (isWorkspaceOpen() && workspace().profileName === name) await reopenWorkspace();
    return profileView(stores, profile);
  },

  async 'profiles.importCli'({ overwrite }, { stores, env }) {
    return importPeridioCliSettings({ ...stores, env, overwrite: overwrite === true });
  },

  async 'keys.list'(_input, { stores }) {
    return stores.settings.listSigningKeys();
  },

  async 'keys.import'({ name, pem, signingKeyPrn }, { stores, client, workspace }) {
    if (stores.settings.getSigningKey(name) !== undefined) {
      // Refused before the server hears of the key, so a refusal changes nothing anywhere.
      throw refuse(
        'signing_key_exists',
        `A signing key named "${name}" already exists. Remove it first, or choose another name.`,
        [{ field: 'name', message: 'is taken' }],
      );
    }
    let keyPair;
    try {
      keyPair = importPrivateKeyPem(pem);
    } catch (error) {
      if (!isSigningError(error)) throw error;
      throw refuse(
        error.code,
        `The private key given for "${name}" cannot be used: ${error.message} Nothing was kept.`,
        [{ field: 'pem', message: 'not a usable Ed25519 private key' }],
      );
    }
    const api = client();
    let registered;
    if (signingKeyPrn !== undefined) {
      try {
        registered = await api.signingKeys.get(signingKeyPrn);
      } catch (error) {
        if (!isPeridioError(error, 'not_found')) throw error;
        throw refuse(
          'signing_key_not_found',
          `${signingKeyPrn}, given for "${name}", is not a signing key of ` +
            `${workspaceWords(workspace())}. Give the PRN its public key was registered as, ` +
            'or leave the PRN out to look the key up by its public value (and register it ' +
            'when the server lacks it). Nothing was kept.',
          [{ field: 'signingKeyPrn', message: 'no signing key has this PRN' }],
        );
      }
      if (registered.value !== keyPair.publicValue) {
        throw refuse(
          'signing_key_mismatch',
          `The private key given for "${name}" is not the pair of ${signingKeyPrn} ` +
            `("${registered.name}" on the server): their public keys differ. Give that key's ` +
            'private key, or leave the PRN out to look the key up by its public value. ' +
            'Nothing was kept.',
          [{ field: 'signingKeyPrn', message: 'registered with another public key' }],
        );
      }
    } else {
      // A key the server knows already (by its public value) is used as is; a new one is registered.
      const known = await api.signingKeys.list({
        search: search().eq('value', keyPair.publicValue),
      });
      registered =
        known.items[0] ?? (await api.signingKeys.create({ name, value: keyPair.publicValue }));
    }
    return storeSigningKey(stores, {
      name,
      signingKeyPrn: registered.prn,
      keyid: registered.keyid,
      keyPair,
    });
  },

  async 'keys.create'({ name }, { stores, client }) {
    const { record } = await createSigningKey(
      { ...stores, signingKeys: client().signingKeys },
      { name },
    );
    return record;
  },

  async 'keys.remove'({ name }, { stores }) {
    return { removed: await forgetSigningKey(stores, name) };
  },

  async 'keys.check'({ signingKey }, { checkSigningKey }) {
    const { signer } = await checkSigningKey(signingKey);
    return { signingKeyPrn: signer.signingKeyPrn };
  },
};
