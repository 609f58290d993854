// PRNs and a complete rule that the watch rule tests start from and change one field of.
const ORG = '6a1f9e2c-6f1e-4c43-9c47-0a7d7bbd8c11';

export const ARTIFACT_PRN = `prn:1:${ORG}:artifact:0b0e7f4c-2f7a-4d8e-9b51-3c1d2e4f5a60`;
export const VERSION_PRN = `prn:1:${ORG}:artifact_version:9a2a9a43-3b0e-4f3a-9a4e-2cd1c7f9e001`;
export const SIGNING_KEY_PRN = `prn:1:${ORG}:signing_key:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f`;

/** The rule of the documentation's example, as a person writes it. */
export function nightlyRule(changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'nightly',
    folder: '/builds/out',
    recursive: true,
    include: ['**/*.bin', '**/*.img'],
    exclude: ['**/debug/**'],
    artifactVersionPrn: VERSION_PRN,
    target: 'aarch64-unknown-linux-gnu',
    signingKey: 'release-key',
    spool: true,
    settleMs: 2000,
    ...changes,
  };
}
