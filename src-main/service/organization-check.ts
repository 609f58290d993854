// A PRN names its organization, and an API key works in one organization: a PRN of another
// organization can only be a mix-up of workspaces (a PRN copied from production while the
// local workspace is in use). It is refused before any request about it, naming the
// workspace in use and how to choose another, instead of the server's bare 404 later.
import type { CommandName, WorkspaceInfo } from '../../src-preload/contract.js';
import { parsePrn } from '../peridio/index.js';
import { refuse, type DeskCommandError } from './desk-errors.js';

/**
 * Commands whose PRNs may belong to any organization: watch rules are kept for every
 * workspace alike, and one of another organization waits, stopped, for its workspace.
 */
const ANY_ORGANIZATION: ReadonlySet<CommandName> = new Set([
  'watch.save',
  'watch.remove',
  'watch.pause',
  'watch.resume',
]);

interface FoundPrn {
  field: string;
  prn: string;
  organizationId: string;
}

/** Every PRN in a checked input, with the field it is in (`rule.artifactVersionPrn`). */
function prnsIn(value: unknown, field: string, found: FoundPrn[]): FoundPrn[] {
  if (typeof value === 'string') {
    const parsed = value.startsWith('prn:') ? parsePrn(value) : undefined;
    if (parsed?.ok) found.push({ field, prn: value, organizationId: parsed.prn.organizationId });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => prnsIn(item, `${field}[${index}]`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      prnsIn(item, field ? `${field}.${key}` : key, found);
    }
  }
  return found;
}

/** The workspace in words, as every message about it names it. */
export function workspaceWords(info: WorkspaceInfo): string {
  switch (info.kind) {
    case 'local':
      return `the local workspace (${info.baseUrl})`;
    case 'profile':
      return `the profile "${info.profileName}" (${info.baseUrl})`;
    case 'environment':
      return `the workspace PERIDIO_API_KEY gives (${info.baseUrl})`;
  }
}

const HOW_TO_CHOOSE =
  'To work on another workspace, set PERIDIO_PROFILE to a profile’s name or PERIDIO_API_KEY ' +
  '(with PERIDIO_BASE_URL), or make another profile the current one (`peridio-desk profiles ' +
  'use NAME`, or the Profiles view in the app).';

/**
 * The refusal for a command's PRNs of another organization, or undefined when all are the
 * workspace's. The workspace's organization is asked only when the input holds a PRN; when it
 * cannot be told (offline), the PRNs pass and the server has the last word.
 */
export async function foreignOrganizationRefusal(
  command: CommandName,
  input: unknown,
  workspace: { info(): WorkspaceInfo; organizationPrn(): Promise<string | undefined> },
): Promise<DeskCommandError | undefined> {
  if (ANY_ORGANIZATION.has(command)) return undefined;
  const prns = prnsIn(input, '', []);
  if (prns.length === 0) return undefined;
  const own = parsePrn(await workspace.organizationPrn(), 'organization');
  if (!own.ok) return undefined;
  const foreign = prns.filter((found) => found.organizationId !== own.prn.organizationId);
  if (foreign.length === 0) return undefined;
  const [first] = foreign;
  return refuse(
    'foreign_organization',
    `${first!.prn} belongs to organization ${first!.organizationId}, but the workspace in use is ` +
      `${workspaceWords(workspace.info())}, of organization ${own.prn.organizationId}. Nothing was ` +
      `sent. ${HOW_TO_CHOOSE}`,
    foreign.map((found) => ({
      field: found.field,
      message: `belongs to organization ${found.organizationId}, not to the workspace’s`,
    })),
  );
}
