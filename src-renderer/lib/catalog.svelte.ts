// Artifacts and their versions, and what a version PRN is called (for the binaries heading,
// also when a person arrives at `#/versions/<prn>` by URL).
import type { ArtifactVersionView, ArtifactView, DeskError } from '../../src-preload/contract.js';
import { toDeskError } from './desk-failure.js';
import { facade } from './facade.js';

export interface VersionLabel {
  artifactName: string | null;
  version: string;
  /** The version's artifact (a watch rule's edit form picks it). */
  artifactPrn?: string;
}

async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const answer = await page(cursor);
    items.push(...answer.items);
    cursor = answer.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

class CatalogState {
  artifacts = $state.raw<ArtifactView[]>([]);
  artifactsLoaded = $state(false);
  artifactsError = $state<DeskError | null>(null);
  selected = $state<ArtifactView | null>(null);
  versions = $state.raw<ArtifactVersionView[]>([]);
  versionsError = $state<DeskError | null>(null);
  versionsLoading = $state(false);
  labels = $state<Record<string, VersionLabel>>({});

  async loadArtifacts(): Promise<void> {
    try {
      this.artifacts = await allPages((cursor) =>
        facade().call('artifacts.list', cursor ? { cursor } : {}),
      );
      this.artifactsError = null;
      if (this.selected && !this.artifacts.some((a) => a.prn === this.selected?.prn)) {
        this.selected = null;
        this.versions = [];
      }
    } catch (error) {
      this.artifactsError = toDeskError(error);
    }
    this.artifactsLoaded = true;
  }

  async select(artifact: ArtifactView): Promise<void> {
    this.selected = artifact;
    await this.loadVersions();
  }

  async loadVersions(): Promise<void> {
    const artifact = this.selected;
    if (!artifact) return;
    this.versionsLoading = true;
    try {
      const versions = await allPages((cursor) =>
        facade().call('artifactVersions.list', {
          artifactPrn: artifact.prn,
          ...(cursor ? { cursor } : {}),
        }),
      );
      if (this.selected?.prn !== artifact.prn) return;
      this.versions = versions;
      for (const version of versions) {
        this.labels[version.prn] = {
          artifactName: artifact.name,
          version: version.version,
          artifactPrn: artifact.prn,
        };
      }
      this.versionsError = null;
    } catch (error) {
      this.versionsError = toDeskError(error);
    } finally {
      this.versionsLoading = false;
    }
  }

  /**
   * Finds a version's names by walking the artifacts (the contract has no get-by-PRN): the
   * loaded list first, then, when the version is not there, a fresh list's newcomers (an
   * artifact made after the list was loaded).
   */
  async label(versionPrn: string): Promise<VersionLabel | null> {
    const known = this.labels[versionPrn];
    if (known) return known;
    const walked: Record<string, true> = {};
    try {
      const wasLoaded = this.artifactsLoaded;
      if (!wasLoaded) await this.loadArtifacts();
      for (const fresh of wasLoaded ? [false, true] : [false]) {
        if (fresh) await this.loadArtifacts();
        for (const artifact of this.artifacts) {
          if (walked[artifact.prn]) continue;
          walked[artifact.prn] = true;
          const versions = await allPages((cursor) =>
            facade().call('artifactVersions.list', {
              artifactPrn: artifact.prn,
              ...(cursor ? { cursor } : {}),
            }),
          );
          for (const version of versions) {
            this.labels[version.prn] = {
              artifactName: artifact.name,
              version: version.version,
              artifactPrn: artifact.prn,
            };
          }
          if (this.labels[versionPrn]) return this.labels[versionPrn];
        }
      }
    } catch {
      // The heading falls back to the PRN; the binaries list shows its own errors.
    }
    return null;
  }
}

export const catalog = new CatalogState();
