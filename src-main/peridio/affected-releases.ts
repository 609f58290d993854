// Which releases destroying a binary would break. Neither a binary nor `bundle_prn` can be
// searched for, so this pages through every bundle, then every release.
import type { CallOptions } from './api-requester.js';
import type { BinariesApi } from './binaries.js';
import type { BundlesApi } from './bundles.js';
import type { ReleasesApi } from './releases.js';
import type { Bundle, Release } from './types.js';

export interface AffectedReleases {
  /** Bundles that hold the binary (v2) or its artifact version (v1). */
  bundles: Bundle[];
  /** Releases of those bundles, `required` ones first: they block devices from updating. */
  releases: Release[];
}

export interface AffectedReleasesApis {
  binaries: BinariesApi;
  bundles: BundlesApi;
  releases: ReleasesApi;
}

function holds(bundle: Bundle, binaryPrn: string, artifactVersionPrn: string): boolean {
  return (
    (bundle.binaries ?? []).some((binary) => binary.prn === binaryPrn) ||
    (bundle.artifact_versions ?? []).some((version) => version.prn === artifactVersionPrn)
  );
}

export async function findReleasesAffectedByBinary(
  apis: AffectedReleasesApis,
  binaryPrn: string,
  options?: CallOptions,
): Promise<AffectedReleases> {
  const binary = await apis.binaries.get(binaryPrn, options);
  const bundles: Bundle[] = [];
  for await (const bundle of apis.bundles.listAll({}, options)) {
    if (holds(bundle, binary.prn, binary.artifact_version_prn)) bundles.push(bundle);
  }
  if (bundles.length === 0) return { bundles, releases: [] };
  const bundlePrns = new Set(bundles.map((bundle) => bundle.prn));
  const releases: Release[] = [];
  for await (const release of apis.releases.listAll({}, options)) {
    if (bundlePrns.has(release.bundle_prn)) releases.push(release);
  }
  // Array.prototype.sort is stable, so the server's order is kept within each group.
  releases.sort((a, b) => Number(b.required) - Number(a.required));
  return { bundles, releases };
}
