// `peridio-desk keys ...`: Ed25519 signing keys; private halves live in the OS keychain.
import { search } from '../peridio/index.js';
import { createSigningKey, forgetSigningKey, storeSigningKey } from '../settings/index.js';
import { readPrivateKeyFile } from '../signing/index.js';
import { UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { openStores, withClient } from './stores.js';

const usage = `Usage: peridio-desk keys <list|import|create|remove> [NAME] [options]

  list                             the signing keys kept here
  import NAME --private-key FILE   keep a PKCS#8 PEM Ed25519 private key (as the Peridio CLI
         [--signing-key-prn PRN]   writes them) under NAME; without --signing-key-prn the
                                   key is looked up on the server by its public value, and
                                   registered there when it is not known yet
  create NAME                      make a new key pair and register its public key
  remove NAME                      forget NAME here (the server keeps its public key)

Options:
  --json                           print JSON`;

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'list, import, create or remove signing keys (kept in the keychain)',
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      'private-key': { type: 'string' },
      'signing-key-prn': { type: 'string' },
    });
    const [verb, name, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const stores = openStores();
    const print = (text: string, json: unknown) =>
      process.stdout.write(values.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
    if (verb === 'list') {
      const keys = stores.settings.listSigningKeys();
      print(
        keys.length
          ? keys
              .map((k) => `${k.name}  ${k.signingKeyPrn}  keyid ${k.keyid.slice(0, 16)}…`)
              .join('\n')
          : 'No signing keys. Import one with `peridio-desk keys import` or make one with `keys create`.',
        keys,
      );
      return 0;
    }
    if (!name) throw new UsageError(`keys ${verb ?? ''} needs a NAME`.trim());
    switch (verb) {
      case 'import': {
        const file = values['private-key'];
        if (!file) throw new UsageError('keys import needs --private-key FILE');
        const keyPair = await readPrivateKeyFile(file);
        const signingKeyPrn =
          values['signing-key-prn'] ??
          (await withClient(async (client) => {
            const known = await client.signingKeys.list({
              search: search().eq('value', keyPair.publicValue),
            });
            return (
              known.items[0] ??
              (await client.signingKeys.create({ name, value: keyPair.publicValue }))
            ).prn;
          }));
        const record = await storeSigningKey(stores, { name, signingKeyPrn, keyPair });
        print(`Kept signing key ${name} (${record.signingKeyPrn}) in the keychain.`, record);
        return 0;
      }
      case 'create': {
        const { record } = await withClient((client) =>
          createSigningKey({ ...stores, signingKeys: client.signingKeys }, { name }),
        );
        print(
          `Created signing key ${name}, registered as ${record.signingKeyPrn}; its private key is in the keychain.`,
          record,
        );
        return 0;
      }
      case 'remove':
        if (!(await forgetSigningKey(stores, name))) {
          process.stderr.write(`There is no signing key named "${name}".\n`);
          return 1;
        }
        print(`Forgot signing key ${name} (its public key stays registered on the server).`, {
          removed: name,
        });
        return 0;
      default:
        throw new UsageError(`unknown keys action "${verb}"`);
    }
  },
};
