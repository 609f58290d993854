// `peridio-desk artifacts ...`: the workspace's artifacts, and making one.
import type { ArtifactView } from '../../src-preload/contract.js';
import { EXIT, EXIT_STATUSES, UsageError, type CliCommand } from './command.js';
import { parseOptionsAndWords } from './options.js';
import { allPages, announceWorkspace, printResult, withService } from './session.js';

const usage = `Usage: peridio-desk artifacts <list|create> [NAME] [options]

  list                          the workspace's artifacts, newest first
  create NAME                   make an artifact (names are unique in an organization)
         [--description TEXT]

Options:
  --json                        print one JSON document: {"workspace", "artifacts"} for list,
                                {"workspace", "artifact"} for create

${EXIT_STATUSES}`;

export function artifactLine(a: ArtifactView): string {
  return `${a.name.padEnd(32)} ${a.prn}${a.description ? `  ${a.description}` : ''}`;
}

export const artifactsCommand: CliCommand = {
  usage,
  async run(args) {
    const { values, words } = parseOptionsAndWords(args, {
      json: { type: 'boolean' },
      description: { type: 'string' },
    });
    const [verb, name, ...extra] = words;
    if (extra.length) throw new UsageError(`unexpected "${extra.join(' ')}"`);
    const json = values.json === true;
    if (verb === 'list') {
      if (name !== undefined || values.description !== undefined) {
        throw new UsageError('artifacts list takes no NAME and no --description');
      }
      return withService({}, async (service) => {
        const workspace = await announceWorkspace(service, json);
        const artifacts = await allPages((cursor) =>
          service.call('artifacts.list', cursor ? { cursor } : {}),
        );
        printResult(
          json,
          artifacts.length
            ? artifacts.map(artifactLine).join('\n')
            : 'No artifacts yet. Make one with `peridio-desk artifacts create NAME`.',
          { workspace, artifacts },
        );
        return EXIT.ok;
      });
    }
    if (verb === 'create') {
      if (name === undefined) throw new UsageError('artifacts create needs a NAME');
      return withService({}, async (service) => {
        const workspace = await announceWorkspace(service, json);
        const artifact = await service.call('artifacts.create', {
          name,
          ...(values.description !== undefined ? { description: values.description } : {}),
        });
        printResult(json, `Created artifact ${artifact.name} (${artifact.prn}).`, {
          workspace,
          artifact,
        });
        return EXIT.ok;
      });
    }
    throw new UsageError(
      verb ? `unknown artifacts action "${verb}"` : 'say what to do with the artifacts',
    );
  },
};
