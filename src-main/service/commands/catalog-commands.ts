// Artifacts and their versions: list a page, create one, find one by name.
import type { ArtifactVersionView, ArtifactView } from '../../../src-preload/contract.js';
import { SEARCH_KEYS, isPeridioError, search, type PeridioClient } from '../../peridio/index.js';
import { refuse } from '../desk-errors.js';
import type { HandlerMap } from './handler.js';

type CatalogCommand =
  | 'artifacts.list'
  | 'artifacts.create'
  | 'artifacts.find'
  | 'artifactVersions.list'
  | 'artifactVersions.create'
  | 'artifactVersions.find';

/** How many names a "there is no such" message lists before it stops. */
const NAMES_SHOWN = 10;

function namesList(names: string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).join(', ');
  return names.length > NAMES_SHOWN ? `${shown} and ${names.length - NAMES_SHOWN} more` : shown;
}

/** The artifact a PRN or a name designates; a name nobody has is refused with the names there are. */
async function findArtifact(api: PeridioClient, artifact: string): Promise<ArtifactView> {
  if (artifact.startsWith('prn:')) {
    try {
      return await api.artifacts.get(artifact);
    } catch (error) {
      if (!isPeridioError(error, 'not_found')) throw error;
      throw refuse('artifact_not_found', `There is no artifact ${artifact} in this workspace.`, [
        { field: 'artifact', message: 'no artifact has this PRN here' },
      ]);
    }
  }
  const query = search(SEARCH_KEYS.artifacts).eq('name', artifact);
  const found = (await api.artifacts.list({ search: query, limit: 1 })).items[0];
  if (found) return found;
  const names: string[] = [];
  for await (const item of api.artifacts.listAll({})) names.push(item.name);
  throw refuse(
    'artifact_not_found',
    `There is no artifact named "${artifact}" in this workspace. ` +
      (names.length ? `Its artifacts: ${namesList(names)}.` : 'It has no artifacts yet.') +
      ' Create it first, or check the name.',
    [{ field: 'artifact', message: 'no artifact has this name here' }],
  );
}

export const catalogCommands: HandlerMap<CatalogCommand> = {
  async 'artifacts.list'({ cursor }, { client }) {
    const page = await client().artifacts.list({
      order: 'desc',
      ...(cursor ? { page: cursor } : {}),
    });
    return { items: page.items, nextCursor: page.nextPage };
  },

  async 'artifacts.create'({ name, description }, { client }) {
    return client().artifacts.create({ name, ...(description ? { description } : {}) });
  },

  async 'artifacts.find'({ artifact }, { client }) {
    return findArtifact(client(), artifact);
  },

  async 'artifactVersions.list'({ artifactPrn, cursor }, { client }) {
    const page = await client().artifactVersions.list({
      order: 'desc',
      search: search().eq('artifact_prn', artifactPrn),
      ...(cursor ? { page: cursor } : {}),
    });
    return { items: page.items, nextCursor: page.nextPage };
  },

  async 'artifactVersions.create'({ artifactPrn, version, description }, { client }) {
    return client().artifactVersions.create({
      artifact_prn: artifactPrn,
      version,
      ...(description ? { description } : {}),
    });
  },

  async 'artifactVersions.find'({ artifact, version }, { client }) {
    const api = client();
    const found = await findArtifact(api, artifact);
    // `version` cannot be searched for: list the artifact's versions and pick it out.
    const versions: ArtifactVersionView[] = [];
    const query = search(SEARCH_KEYS.artifactVersions).eq('artifact_prn', found.prn);
    for await (const item of api.artifactVersions.listAll({ search: query })) {
      if (item.version === version) return item;
      versions.push(item);
    }
    throw refuse(
      'artifact_version_not_found',
      `The artifact ${found.name} (${found.prn}) has no version "${version}". ` +
        (versions.length
          ? `Its versions: ${namesList(versions.map((v) => v.version))}.`
          : 'It has no versions yet.') +
        ' Create the version first, or check its text.',
      [{ field: 'version', message: 'the artifact has no such version' }],
    );
  },
};
