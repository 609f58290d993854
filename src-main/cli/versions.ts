// `peridio-desk versions ...`: an artifact's versions, and making one. The artifact is named
// by its PRN or its name.
import { EXIT, EXIT_STATUSES, UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { allPages, announceWorkspace, printResult, withService } from './session.js';

const usage = `Usage: peridio-desk versions <list|create> --artifact NAME|PRN [VERSION] [options]

  list --artifact NAME|PRN              the artifact's versions, newest first
  create --artifact NAME|PRN VERSION    make a version of the artifact (e.g. 1.2.0)
         [--description TEXT]

Options:
  --json                                print one JSON document: {"workspace", "artifact",
                                        "versions"} for list, {"workspace", "version"} for create

${EXIT_STATUSES}`;

export const versionsCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      artifact: { type: 'string' },
      description: { type: 'string' },
    });
    const [verb, version, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const json = values.json === true;
    if (verb !== 'list' && verb !== 'create') {
      throw new UsageError(
        verb ? `unknown versions action "${verb}"` : 'say what to do with the versions',
      );
    }
    const artifactRef = values.artifact;
    if (artifactRef === undefined)
      throw new UsageError(`versions ${verb} needs --artifact NAME|PRN`);
    if (verb === 'list') {
      if (version !== undefined || values.description !== undefined) {
        throw new UsageError('versions list takes no VERSION and no --description');
      }
      return withService({}, async (service) => {
        const workspace = await announceWorkspace(service, json);
        const artifact = await service.call('artifacts.find', { artifact: artifactRef });
        const versions = await allPages((cursor) =>
          service.call('artifactVersions.list', {
            artifactPrn: artifact.prn,
            ...(cursor ? { cursor } : {}),
          }),
        );
        printResult(
          json,
          versions.length
            ? versions.map((v) => `${v.version.padEnd(24)} ${v.prn}`).join('\n')
            : `${artifact.name} has no versions yet. Make one with \`peridio-desk versions create --artifact ${artifact.name} VERSION\`.`,
          { workspace, artifact, versions },
        );
        return EXIT.ok;
      });
    }
    if (version === undefined) throw new UsageError('versions create needs a VERSION');
    return withService({}, async (service) => {
      const workspace = await announceWorkspace(service, json);
      const artifact = await service.call('artifacts.find', { artifact: artifactRef });
      const created = await service.call('artifactVersions.create', {
        artifactPrn: artifact.prn,
        version,
        ...(values.description !== undefined ? { description: values.description } : {}),
      });
      printResult(
        json,
        `Created version ${created.version} of ${artifact.name} (${created.prn}).`,
        {
          workspace,
          version: created,
        },
      );
      return EXIT.ok;
    });
  },
};
