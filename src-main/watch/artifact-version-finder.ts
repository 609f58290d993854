// The artifact version a rule's path pattern names: found under its artifact, or created
// when it is not there yet. The answers for the last 1,000 (artifact, version) pairs are
// kept (a build per commit makes a version each), and one request at a time goes for each,
// so a burst of files for a new version creates it once.
import {
  SEARCH_KEYS,
  isPeridioError,
  search,
  type ArtifactVersion,
  type PeridioClient,
} from '../peridio/index.js';
import { RecentMap } from './recent-map.js';

const CALL = { timeoutMs: 15_000 };
const VERSIONS_KEPT = 1000;

export class ArtifactVersionFinder {
  /** Requests under way. */
  private readonly asked = new Map<string, Promise<string>>();
  private readonly found = new RecentMap<string, string>(VERSIONS_KEPT);

  constructor(private readonly client: PeridioClient) {}

  /** The version's PRN when it was found before, without asking the server. */
  known(artifactPrn: string, version: string): string | undefined {
    return this.found.get(`${artifactPrn}\u0000${version}`);
  }

  /** The version's PRN; a failure (offline, refused) is not remembered, so a later call asks again. */
  prnOf(artifactPrn: string, version: string): Promise<string> {
    const key = `${artifactPrn}\u0000${version}`;
    const known = this.found.get(key);
    if (known !== undefined) return Promise.resolve(known);
    let answer = this.asked.get(key);
    if (!answer) {
      answer = this.findOrCreate(artifactPrn, version);
      this.asked.set(key, answer);
      answer
        .then(
          (prn) => this.found.set(key, prn),
          () => {},
        )
        .finally(() => this.asked.delete(key));
    }
    return answer;
  }

  private async find(artifactPrn: string, version: string): Promise<ArtifactVersion | undefined> {
    // `version` cannot be searched for: list the artifact's versions and pick it out.
    const query = search(SEARCH_KEYS.artifactVersions).eq('artifact_prn', artifactPrn);
    for await (const item of this.client.artifactVersions.listAll({ search: query }, CALL)) {
      if (item.version === version) return item;
    }
    return undefined;
  }

  private async findOrCreate(artifactPrn: string, version: string): Promise<string> {
    const found = await this.find(artifactPrn, version);
    if (found) return found.prn;
    try {
      const created = await this.client.artifactVersions.create(
        { artifact_prn: artifactPrn, version },
        CALL,
      );
      return created.prn;
    } catch (error) {
      // Another agent (or person) made it meanwhile: the version is taken, so it is there.
      if (isPeridioError(error, 'validation')) {
        const again = await this.find(artifactPrn, version);
        if (again) return again.prn;
      }
      throw error;
    }
  }
}
