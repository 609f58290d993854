// Artifacts and their versions: list a page, create one.
import { search } from '../../peridio/index.js';
import type { HandlerMap } from './handler.js';

type CatalogCommand =
  'artifacts.list' | 'artifacts.create' | 'artifactVersions.list' | 'artifactVersions.create';

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
};
