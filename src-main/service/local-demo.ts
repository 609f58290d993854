// The embedded local workspace's first start: a small demo artifact and version, so a person
// trying the app has somewhere to drop a file straight away. Made once per workspace (a
// marker file remembers it), so a person who removes the demo does not see it come back.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PeridioClient } from '../peridio/index.js';

export const DEMO_ARTIFACT = {
  name: 'demo-firmware',
  description:
    'A demo artifact of the local workspace: drop any file on its version to try an upload.',
  version: '1.0.0',
} as const;

const MARKER = 'demo-created';

export async function createLocalDemo(
  workspaceDir: string,
  client: Pick<PeridioClient, 'artifacts' | 'artifactVersions'>,
): Promise<void> {
  const marker = path.join(workspaceDir, MARKER);
  if (existsSync(marker)) return;
  const artifact = await client.artifacts.create({
    name: DEMO_ARTIFACT.name,
    description: DEMO_ARTIFACT.description,
  });
  await client.artifactVersions.create({
    artifact_prn: artifact.prn,
    version: DEMO_ARTIFACT.version,
    description: 'The demo version.',
  });
  await writeFile(marker, `${new Date().toISOString()}\n`);
}
