// `peridio-desk binaries ...`: look at an artifact version's binaries or one binary, sign,
// reset, queue its upload again, or destroy one after seeing which releases it would affect.
import { shortHash, type BinaryView } from '../../src-preload/contract.js';
import { EXIT, EXIT_STATUSES, UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { formatBytes } from './progress-printer.js';
import { ask } from './prompt.js';
import { allPages, announceWorkspace, printResult, withService } from './session.js';
import { signingKeyFrom } from './upload.js';

const usage = `Usage: peridio-desk binaries <list|show|sign|reset|resume|destroy> [PRN] [options]

  list --artifact-version PRN    the binaries of an artifact version
  show PRN                       one binary: state, size, hash, signatures, allowed actions
  sign PRN --signing-key NAME    sign a signable (or signed) binary with a key of the keychain,
       or --signing-key-private FILE --signing-key-prn PRN  with a PEM file and its PRN
  reset PRN                      delete an unsigned binary's parts so it can be uploaded again
  resume PRN                     queue this computer's upload of the binary again (paused,
                                 failed, cancelled, or reset); \`queue run\` sends it
  destroy PRN [--yes]            delete a signed binary's content for good; lists the releases
                                 it would affect and asks you to type its target, unless --yes

Options:
  --json                         print one JSON document: {"workspace", "binaries"} for list,
                                 {"workspace", "job"} for resume, {"workspace", "binary"} otherwise

${EXIT_STATUSES}`;

function actionsOf(b: BinaryView): string {
  return Object.entries(b.allowedActions)
    .filter(([, allowed]) => allowed)
    .map(([action]) => action)
    .join(', ');
}

function binaryLine(b: BinaryView): string {
  const actions = actionsOf(b);
  // A binary whose upload stopped before its content was declared has no hash to show yet.
  const hash = b.contentPending ? 'pending'.padEnd(13) : `${shortHash(b.hash)}…`;
  return `${b.target.padEnd(32)} ${b.state.padEnd(10)} ${formatBytes(b.size).padStart(10)}  ${hash}  ${b.prn}${actions ? `  [${actions}]` : ''}`;
}

function binaryDetails(b: BinaryView): string {
  const signatures = b.signatures ?? [];
  return [
    `${b.target} (${b.prn})`,
    `  state       ${b.state}, revision ${b.revision}`,
    `  size        ${formatBytes(b.size)} (${b.size} bytes)`,
    `  hash        ${b.contentPending ? 'not declared yet' : b.hash}`,
    `  version     ${b.artifact_version_prn}`,
    ...(signatures.length
      ? signatures.map((s, i) => `  ${i ? '           ' : 'signed by  '} ${s.signing_key_prn}`)
      : ['  signed by   nobody yet']),
    `  allowed     ${actionsOf(b) || 'nothing now'}`,
  ].join('\n');
}

export const binariesCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      yes: { type: 'boolean' },
      'artifact-version': { type: 'string' },
      'signing-key': { type: 'string' },
      'signing-key-private': { type: 'string' },
      'signing-key-prn': { type: 'string' },
    });
    const [verb, prn, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const json = values.json === true;
    const known = ['list', 'show', 'sign', 'reset', 'resume', 'destroy'];
    if (verb === undefined || !known.includes(verb)) {
      throw new UsageError(
        verb ? `unknown binaries action "${verb}"` : 'say what to do with the binaries',
      );
    }
    if (verb === 'list') {
      const artifactVersionPrn = values['artifact-version'];
      if (!artifactVersionPrn) throw new UsageError('binaries list needs --artifact-version PRN');
      if (prn) throw new UsageError('binaries list takes no PRN; give --artifact-version PRN');
      return withService({}, async (service) => {
        const workspace = await announceWorkspace(service, json);
        const binaries = await allPages((cursor) =>
          service.call('binaries.list', {
            artifactVersionPrn,
            limit: 100,
            ...(cursor ? { cursor } : {}),
          }),
        );
        printResult(
          json,
          binaries.length ? binaries.map(binaryLine).join('\n') : 'No binaries yet.',
          { workspace, binaries },
        );
        return EXIT.ok;
      });
    }
    if (!prn) throw new UsageError(`binaries ${verb} needs a PRN`);
    const signingKey = signingKeyFrom(values);
    if (verb === 'sign' && signingKey === null) {
      throw new UsageError(
        'binaries sign needs --signing-key NAME, or --signing-key-private FILE with --signing-key-prn PRN',
      );
    }
    if (verb !== 'sign' && signingKey !== null) {
      throw new UsageError(`binaries ${verb} takes no signing key`);
    }
    return withService({}, async (service) => {
      const workspace = await announceWorkspace(service, json);
      switch (verb) {
        case 'show': {
          const binary = await service.call('binaries.get', { prn });
          printResult(json, binaryDetails(binary), { workspace, binary });
          return EXIT.ok;
        }
        case 'sign': {
          const binary = await service.call('binaries.sign', { prn, signingKey: signingKey! });
          const count = binary.signatures?.length ?? 0;
          printResult(
            json,
            `Signed ${binary.target} (${binary.prn}); it is ${binary.state} with ${count} signature${count === 1 ? '' : 's'}.`,
            { workspace, binary },
          );
          return EXIT.ok;
        }
        case 'reset': {
          const binary = await service.call('binaries.reset', { prn });
          printResult(
            json,
            `Reset ${binary.prn}: its parts are deleted; revision ${binary.revision}.`,
            { workspace, binary },
          );
          return EXIT.ok;
        }
        case 'resume': {
          const job = await service.call('binaries.resumeUpload', { prn });
          printResult(
            json,
            `Queued the upload of ${job.request.path} to ${prn} again as job ${job.id}; ` +
              '`peridio-desk queue run` sends it.',
            { workspace, job },
          );
          return EXIT.ok;
        }
        default:
          return destroy(service, prn, { json, yes: values.yes === true, workspace });
      }
    });
  },
};

async function destroy(
  service: Parameters<Parameters<typeof withService>[1]>[0],
  prn: string,
  options: { json: boolean; yes: boolean; workspace: unknown },
): Promise<number> {
  const binary = await service.call('binaries.get', { prn });
  const affected = await service.call('binaries.affectedReleases', { prn });
  const lines = affected.releases.map(
    (r) =>
      `  ${r.required ? 'REQUIRED ' : ''}release ${r.name} (${r.prn})${r.disabled ? ', disabled' : ''}`,
  );
  process.stderr.write(
    affected.releases.length
      ? `Destroying ${binary.target} (${prn}) affects ${affected.releases.length} release(s):\n${lines.join('\n')}\n` +
          'A required release among them keeps devices from updating. Disable releases first if needed.\n'
      : `No release uses ${binary.target} (${prn}).\n`,
  );
  let confirmTarget = binary.target;
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      throw new UsageError('destroying cannot be undone: confirm with --yes');
    }
    confirmTarget = (
      await ask(`Destroying cannot be undone. Type the target (${binary.target}) to confirm: `)
    ).trim();
  }
  // The engine compares the typed target with the binary's and refuses a mismatch.
  const destroyed = await service.call('binaries.destroy', { prn, confirmTarget });
  printResult(
    options.json,
    `Destroyed ${destroyed.binary.prn}: its content is gone; the record stays.`,
    { workspace: options.workspace, binary: destroyed.binary, affected },
  );
  return EXIT.ok;
}
