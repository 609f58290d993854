// `peridio-desk keys ...`: Ed25519 signing keys; private halves live in the OS keychain.
import { stat } from 'node:fs/promises';
import { readRegularFile, whyUnreadable } from '../files/index.js';
import { EXIT, EXIT_STATUSES, UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { announceWorkspace, printResult, withService } from './session.js';

const usage = `Usage: peridio-desk keys <list|import|create|remove> [NAME] [options]

  list                             the signing keys kept here
  import NAME --private-key FILE   keep a PKCS#8 PEM Ed25519 private key (as the Peridio CLI
         [--signing-key-prn PRN]   writes them) under NAME; with --signing-key-prn the key must
                                   be the pair of that registered key, without it the key is
                                   looked up on the server by its public value, and registered
                                   there when it is not known yet
  create NAME                      make a new key pair and register its public key
  remove NAME                      forget NAME here (the server keeps its public key)

Options:
  --json                           print JSON: the keys for list, {"workspace", "key"} for
                                   import and create

${EXIT_STATUSES}`;

/** A PKCS#8 PEM Ed25519 key is about 120 bytes; the contract takes up to 16 KiB of PEM. */
const PEM_MAX_BYTES = 16_384;

async function readPem(file: string): Promise<string> {
  const unreadable = (error: unknown) =>
    new Error(`The private key file ${file} ${whyUnreadable(error)}.`);
  const info = await stat(file).catch((error: unknown) => Promise.reject(unreadable(error)));
  if (!info.isFile()) throw new Error(`${file} is not a file; give the private key's PEM file.`);
  if (info.size > PEM_MAX_BYTES) {
    throw new Error(
      `${file} is ${info.size} bytes: not a PEM private key (an Ed25519 one is under 1 KB); ` +
        "give the private key's PEM file.",
    );
  }
  return readRegularFile(file)
    .then((bytes) => bytes.toString('utf8'))
    .catch((error: unknown) => Promise.reject(unreadable(error)));
}

export const keysCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      'private-key': { type: 'string' },
      'signing-key-prn': { type: 'string' },
    });
    const [verb, name, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const json = values.json === true;
    if (verb === 'list') {
      return withService({}, async (service) => {
        const keys = await service.call('keys.list');
        printResult(
          json,
          keys.length
            ? keys
                .map((k) => `${k.name}  ${k.signingKeyPrn}  keyid ${k.keyid.slice(0, 16)}…`)
                .join('\n')
            : 'No signing keys. Import one with `peridio-desk keys import` or make one with `keys create`.',
          keys,
        );
        return EXIT.ok;
      });
    }
    if (!['import', 'create', 'remove'].includes(verb ?? '')) {
      throw new UsageError(verb ? `unknown keys action "${verb}"` : 'say what to do with the keys');
    }
    if (!name) throw new UsageError(`keys ${verb} needs a NAME`);
    switch (verb) {
      case 'import': {
        const file = values['private-key'];
        if (!file) throw new UsageError('keys import needs --private-key FILE');
        const pem = await readPem(file);
        return withService({}, async (service) => {
          const workspace = await announceWorkspace(service, json);
          const key = await service.call('keys.import', {
            name,
            pem,
            ...(values['signing-key-prn'] !== undefined
              ? { signingKeyPrn: values['signing-key-prn'] }
              : {}),
          });
          printResult(json, `Kept signing key ${name} (${key.signingKeyPrn}) in the keychain.`, {
            workspace,
            key,
          });
          return EXIT.ok;
        });
      }
      case 'create':
        return withService({}, async (service) => {
          const workspace = await announceWorkspace(service, json);
          const key = await service.call('keys.create', { name });
          printResult(
            json,
            `Created signing key ${name}, registered as ${key.signingKeyPrn}; its private key is in the keychain.`,
            { workspace, key },
          );
          return EXIT.ok;
        });
      default:
        return withService({}, async (service) => {
          const { removed } = await service.call('keys.remove', { name });
          if (!removed) {
            process.stderr.write(`There is no signing key named "${name}".\n`);
            return EXIT.failed;
          }
          printResult(
            json,
            `Forgot signing key ${name} (its public key stays registered on the server).`,
            { removed: name },
          );
          return EXIT.ok;
        });
    }
  },
};
