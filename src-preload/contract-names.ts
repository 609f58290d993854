// The contract's names alone, with no schema and no zod: all the Electron preload needs to
// build its bridge, so the sandboxed preload carries a list of names rather than a validation
// library. contract.ts checks at compile time that these are exactly its commands and events.

export const COMMAND_NAMES = [
  'workspace.get',
  'workspace.checkConnection',
  'profiles.list',
  'profiles.add',
  'profiles.use',
  'profiles.remove',
  'profiles.setProxy',
  'profiles.importCli',
  'artifacts.list',
  'artifacts.create',
  'artifacts.find',
  'artifactVersions.list',
  'artifactVersions.create',
  'artifactVersions.find',
  'binaries.list',
  'binaries.get',
  'binaries.markComplete',
  'binaries.reset',
  'binaries.sign',
  'binaries.affectedReleases',
  'binaries.destroy',
  'uploads.detectTarget',
  'uploads.enqueue',
  'jobs.list',
  'jobs.pause',
  'jobs.resume',
  'jobs.retry',
  'jobs.cancel',
  'binaries.resumeUpload',
  'keys.list',
  'keys.import',
  'keys.create',
  'keys.remove',
  'keys.check',
  'watch.list',
  'watch.save',
  'watch.remove',
  'watch.pause',
  'watch.resume',
  'preferences.get',
  'preferences.set',
] as const;

export const EVENT_NAMES = [
  'job:queued',
  'job:step',
  'job:progress',
  'job:ended',
  'connectivity:changed',
  'queue:stalled',
  'engine:error',
  'workspace:changed',
  'watch:changed',
  'watch:files',
  'preferences:changed',
] as const;

/** The name the preload gives the bridge on the page's global object. */
export const DESK_BRIDGE_GLOBAL = 'peridioDesk';

export function commandChannel(name: (typeof COMMAND_NAMES)[number]): string {
  return `desk:command:${name}`;
}

export function eventChannel(name: (typeof EVENT_NAMES)[number]): string {
  return `desk:event:${name}`;
}
