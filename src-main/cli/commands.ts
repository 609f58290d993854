// The commands as the overview lists them. Each command's module (and what it needs: the
// service, the embedded server, the watch room) is imported only when that command runs or
// shows its help, so `peridio-desk --help` and `--version` load almost nothing.
import type { CommandEntry } from './command.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'start',
    summary: 'start Peridio Desk on the embedded local workspace',
    load: async () => (await import('./start.js')).startCommand,
  },
  {
    name: 'upload',
    summary: 'upload a file as a binary, then have it verified and signed',
    load: async () => (await import('./upload.js')).uploadCommand,
  },
  {
    name: 'detect',
    summary: 'print the target of each file, read from its header, with the evidence',
    load: async () => (await import('./detect.js')).detectCommand,
  },
  {
    name: 'queue',
    summary: 'list, pause, resume, retry, cancel or run queued uploads',
    load: async () => (await import('./queue.js')).queueCommand,
  },
  {
    name: 'watch',
    summary: 'watch folders and upload each finished build output (the build-machine agent)',
    load: async () => (await import('./watch.js')).watchCommand,
  },
  {
    name: 'dashboard',
    summary: 'serve the app to a browser on this machine (127.0.0.1, with a per-start token)',
    load: async () => (await import('./dashboard.js')).dashboardCommand,
  },
  {
    name: 'artifacts',
    summary: 'list artifacts, or create one',
    load: async () => (await import('./artifacts.js')).artifactsCommand,
  },
  {
    name: 'versions',
    summary: 'list an artifact’s versions, or create one',
    load: async () => (await import('./versions.js')).versionsCommand,
  },
  {
    name: 'binaries',
    summary: 'list, show, sign, reset, resume or destroy binaries',
    load: async () => (await import('./binaries.js')).binariesCommand,
  },
  {
    name: 'keys',
    summary: 'list, import, create or remove signing keys (kept in the keychain)',
    load: async () => (await import('./keys.js')).keysCommand,
  },
  {
    name: 'login',
    summary: 'add a Peridio profile with its API key (kept in the keychain)',
    load: async () => (await import('./login.js')).loginCommand,
  },
  {
    name: 'profiles',
    summary: 'list, choose, remove or import Peridio profiles',
    load: async () => (await import('./profiles.js')).profilesCommand,
  },
  {
    name: 'preferences',
    summary: 'show or set the preferences (the bandwidth cap, the stall timeout, uploads at once)',
    load: async () => (await import('./preferences.js')).preferencesCommand,
  },
  {
    name: 'local serve',
    summary: 'run the local Peridio-compatible server (the offline workspace)',
    load: async () => (await import('./local-serve.js')).localServeCommand,
  },
];
