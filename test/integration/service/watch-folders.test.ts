// Watch folders through the desk service, against the embedded local workspace: a rule
// saved with the service's commands watches its folder over the service's own queue, a file
// written there is uploaded and signed (told as job and watch events), a paused rule takes
// nothing until it is resumed, a folder that goes away stops the rule with the reason and
// one that comes back is watched again. Refused saves change nothing. Secrets go to an
// in-memory vault: the keychain is not what is tested here.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DeskEvent,
  EventPayloads,
  JobView,
  WatchRuleView,
} from '../../../src-preload/contract.js';
import { openDeskService, type DeskService } from '../../../src-main/service/index.js';
import { MemoryVault } from '../../unit/memory-vault.js';
import { startTestServer, tempDir } from '../local-peridio/helpers.js';
import { refusalOf } from './refusal.js';

let dir: string;
let folder: string;
let service: DeskService;
let versionPrn: string;
const events: DeskEvent[] = [];

beforeAll(async () => {
  dir = await tempDir('desk-watch-');
  folder = path.join(dir, 'builds', 'out');
  await mkdir(folder, { recursive: true });
  service = await openDeskService({
    dataDir: path.join(dir, 'desk'),
    env: { PERIDIO_CONFIG_DIRECTORY: path.join(dir, 'no-peridio-cli') },
    vault: new MemoryVault(),
    runQueue: true,
    engine: { pollMs: 100, probeDelayMs: { initial: 100, max: 1000 } },
    watch: { healthPollMs: 100 },
  });
  service.subscribe((event) => events.push(event));
  const artifact = await service.call('artifacts.create', { name: 'watched-firmware' });
  const version = await service.call('artifactVersions.create', {
    artifactPrn: artifact.prn,
    version: '3.1.0',
  });
  versionPrn = version.prn;
  await service.call('keys.create', { name: 'watch-key' });
});

afterAll(async () => {
  await service?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What `pick` finds in the first event from now on that has it; with `now`, also in what
 * the events told so far. */
function nextEvent<T>(
  what: string,
  pick: (event: DeskEvent | undefined) => T | undefined,
  { now = false, timeoutMs = 20_000 } = {},
): Promise<T> {
  const already = now ? pick(undefined) : undefined;
  if (already !== undefined) return Promise.resolve(already);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no event: ${what}`));
    }, timeoutMs);
    const stop = service.subscribe((event) => {
      const found = pick(event);
      if (found === undefined) return;
      clearTimeout(timer);
      stop();
      resolve(found);
    });
  });
}

const ruleIn = (event: DeskEvent | undefined, name: string): WatchRuleView | undefined =>
  event?.name === 'watch:changed'
    ? event.payload.rules.find((r) => r.settings.name === name)
    : undefined;

function statusEvent(name: string, status: WatchRuleView['status']): Promise<WatchRuleView> {
  return nextEvent(`${name} ${status}`, (event) => {
    const rule = ruleIn(event, name);
    return rule?.status === status ? rule : undefined;
  });
}

function jobEndedFor(file: string): Promise<JobView> {
  return nextEvent(`job for ${file} ended`, (event) =>
    event?.name === 'job:ended' && event.payload.job.sourcePath === file
      ? event.payload.job
      : undefined,
  );
}

function filesTold(): EventPayloads['watch:files']['files'] {
  return events.flatMap((event) => (event.name === 'watch:files' ? event.payload.files : []));
}

const RULE = () => ({
  name: 'builds',
  folder,
  // The target is the file's name, so each test file is its own binary.
  target: { fromPath: '^(?<target>[a-z0-9_-]+)\\.bin$' },
  artifactVersionPrn: versionPrn,
  signingKey: { kind: 'keychain' as const, name: 'watch-key' },
  settleMs: 200,
});

describe('watch folders through the desk service', () => {
  it('lists no rules at first', async () => {
    expect(await service.call('watch.list')).toEqual([]);
  });

  it('saves a rule and watches its folder at once', async () => {
    const changed = statusEvent('builds', 'watching');
    const saved = await service.call('watch.save', { rule: RULE() });
    expect(saved).toMatchObject({
      status: 'watching',
      reason: null,
      settings: {
        name: 'builds',
        folder,
        recursive: true,
        include: ['**/*'],
        exclude: [],
        artifactVersionPrn: versionPrn,
        artifactVersion: null,
        signingKey: { kind: 'keychain', name: 'watch-key' },
        replace: false,
        spool: true,
        settleMs: 200,
        paused: false,
      },
      counters: { seen: 0, queued: 0 },
    });
    await changed;
    expect(await service.call('watch.list')).toEqual([saved]);
  });

  it('uploads and signs a file written to the folder, telling the faces', async () => {
    const file = path.join(folder, 'first.bin');
    const ended = jobEndedFor(file);
    await writeFile(file, 'first build output');
    const job = await ended;
    expect(job).toMatchObject({ status: 'done', binaryState: 'signed' });
    expect(job.request).toMatchObject({ artifactVersionPrn: versionPrn, target: 'first' });
    // File events come in batches, maybe after the job's own event.
    const uploaded = await nextEvent(
      'uploaded told',
      () => filesTold().find((f) => f.path === file && f.kind === 'uploaded'),
      { now: true },
    );
    expect(uploaded).toMatchObject({ rule: 'builds', jobId: job.id, message: 'uploaded (signed)' });
    expect(
      filesTold()
        .filter((f) => f.path === file)
        .map((f) => f.kind),
    ).toEqual(['seen', 'queued', 'uploaded']);
    const [rule] = await service.call('watch.list');
    expect(rule!.counters).toMatchObject({ seen: 1, queued: 1, uploaded: 1, conflicts: 0 });
    expect(rule!.lastMessage?.text).toBe(`${file}: uploaded (signed)`);
  });

  it('takes no new file while paused, and takes it once resumed', async () => {
    const paused = await service.call('watch.pause', { name: 'builds' });
    expect(paused).toMatchObject({ status: 'paused', settings: { paused: true } });
    expect(paused.reason).toMatch(/paused by a person/);
    const file = path.join(folder, 'second.bin');
    await writeFile(file, 'second build output');
    // Well past the settle time and several looks at the folder.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(filesTold().some((f) => f.path === file)).toBe(false);
    expect((await service.call('jobs.list', {})).items.some((j) => j.sourcePath === file)).toBe(
      false,
    );

    const ended = jobEndedFor(file);
    const resumed = await service.call('watch.resume', { name: 'builds' });
    expect(resumed).toMatchObject({ status: 'watching', settings: { paused: false } });
    expect(await ended).toMatchObject({ status: 'done', binaryState: 'signed' });
    // The file uploaded before is checked again, not uploaded again.
    expect(
      (await service.call('jobs.list', {})).items.filter((j) => j.request.target === 'first'),
    ).toHaveLength(1);
  });

  it('stops the rule when its folder goes away, with the reason, and watches it when back', async () => {
    const stopped = statusEvent('builds', 'stopped');
    await rm(folder, { recursive: true, force: true });
    const rule = await stopped;
    expect(rule.reason).toBe(`${folder} does not exist`);
    expect((await service.call('watch.list'))[0]).toMatchObject({ status: 'stopped' });

    const back = statusEvent('builds', 'watching');
    await mkdir(folder);
    await back;
    const file = path.join(folder, 'third.bin');
    const ended = jobEndedFor(file);
    await writeFile(file, 'third build output');
    expect(await ended).toMatchObject({ status: 'done' });
  });

  it('refuses a rule it cannot watch, changing nothing', async () => {
    const before = await service.call('watch.list');
    const taken = await refusalOf(service.call('watch.save', { rule: { ...RULE(), settleMs: 5 } }));
    expect(taken).toMatchObject({ code: 'invalid_input', fields: [{ field: 'rule.name' }] });
    expect(taken.message).toMatch(/already exists; edit that one/);

    const aFile = path.join(dir, 'notes.txt');
    await writeFile(aFile, 'not a folder');
    const notFolder = await refusalOf(
      service.call('watch.save', { rule: { ...RULE(), name: 'file', folder: aFile } }),
    );
    expect(notFolder.fields).toEqual([
      { field: 'rule.folder', message: expect.stringMatching(/is a file, not a folder/) },
    ]);

    const noKey = await refusalOf(
      service.call('watch.save', {
        rule: { ...RULE(), name: 'nokey', signingKey: { kind: 'keychain', name: 'missing' } },
      }),
    );
    expect(noKey.fields).toEqual([
      {
        field: 'rule.signingKey.name',
        message: 'there is no signing key named "missing"; the keys are watch-key',
      },
    ]);

    // The rule's one shape, checked at the contract's door: globs and path patterns.
    const badGlob = await refusalOf(
      service.call('watch.save', {
        rule: { ...RULE(), name: 'glob', include: ['/abs/*.bin'], target: { fromPath: '(.+)' } },
      }),
    );
    expect(badGlob.code).toBe('invalid_input');
    expect(badGlob.fields?.map((f) => f.field).sort()).toEqual([
      'rule.include.0',
      'rule.target.fromPath',
    ]);
    expect(badGlob.message).toMatch(/nothing was changed/);

    // What only the engine knows, layered on that shape: a path absolute on another system.
    if (process.platform !== 'win32') {
      const foreignPath = await refusalOf(
        service.call('watch.save', {
          rule: { ...RULE(), name: 'foreign', folder: 'C:\\builds\\out' },
        }),
      );
      expect(foreignPath.fields).toEqual([
        {
          field: 'rule.folder',
          message: expect.stringMatching(
            /"C:\\builds\\out" is not an absolute path on this system/,
          ),
        },
      ]);
      expect(foreignPath.message).toMatch(/^watch\.save was not run: .*nothing was changed\.$/);
    }

    const ownData = await refusalOf(
      service.call('watch.save', {
        rule: { ...RULE(), name: 'spool', folder: path.join(dir, 'desk', 'spool') },
      }),
    );
    expect(ownData.message).toMatch(/inside Peridio Desk’s own data folder/);

    const unknown = await refusalOf(service.call('watch.pause', { name: 'nope' }));
    expect(unknown).toMatchObject({ code: 'watch_rule_not_found' });
    expect(unknown.message).toMatch(/Watch rules: builds/);

    expect((await service.call('watch.list')).map((r) => r.settings)).toEqual(
      before.map((r) => r.settings),
    );
  });

  it('accepts a missing folder, showing the rule stopped with the reason', async () => {
    const missing = path.join(dir, 'not-yet');
    const saved = await service.call('watch.save', {
      rule: { ...RULE(), name: 'later', folder: missing },
    });
    expect(saved).toMatchObject({ status: 'stopped', reason: `${missing} does not exist` });
    // The other rule goes on.
    const [builds] = await service.call('watch.list');
    expect(builds).toMatchObject({ status: 'watching' });
  });

  it('edits and renames a rule', async () => {
    const edited = await service.call('watch.save', {
      rule: { ...RULE(), name: 'releases', exclude: ['*.map'] },
      editing: 'builds',
    });
    expect(edited).toMatchObject({
      status: 'watching',
      settings: { name: 'releases', exclude: ['*.map'] },
    });
    // A rule as listed goes back as it is: an edit form's round trip changes nothing.
    const again = await service.call('watch.save', { rule: edited.settings, editing: 'releases' });
    expect(again.settings).toEqual(edited.settings);
    const names = (await service.call('watch.list')).map((r) => r.settings.name);
    expect(names.sort()).toEqual(['later', 'releases']);
    const gone = await refusalOf(service.call('watch.save', { rule: RULE(), editing: 'builds' }));
    expect(gone).toMatchObject({ code: 'watch_rule_not_found', fields: [{ field: 'editing' }] });
  });

  it('removes rules', async () => {
    expect(await service.call('watch.remove', { name: 'later' })).toEqual({ removed: true });
    expect(await service.call('watch.remove', { name: 'later' })).toEqual({ removed: false });
    const removed = nextEvent('releases gone', (event) =>
      event?.name === 'watch:changed' && event.payload.rules.length === 0 ? true : undefined,
    );
    expect(await service.call('watch.remove', { name: 'releases' })).toEqual({ removed: true });
    await removed;
    expect(await service.call('watch.list')).toEqual([]);
  });
});

describe('a workspace switch', () => {
  it('watches the rules over the new workspace, holding back another organization’s', async () => {
    const lab = await startTestServer();
    try {
      await service.call('watch.save', { rule: { ...RULE(), name: 'local-builds' } });
      await service.call('profiles.add', {
        name: 'lab',
        baseUrl: lab.server.url,
        apiKey: lab.server.apiKey,
      });
      const held = statusEvent('local-builds', 'stopped');
      await service.call('profiles.use', { name: 'lab' });
      expect((await held).reason).toMatch(
        /^its artifact belongs to organization [-0-9a-f]+, not to this workspace’s .*switch to that workspace, or edit the rule$/,
      );

      const artifact = await service.call('artifacts.create', { name: 'lab-firmware' });
      const version = await service.call('artifactVersions.create', {
        artifactPrn: artifact.prn,
        version: '1.0.0',
      });
      const labFolder = path.join(dir, 'lab-out');
      await mkdir(labFolder);
      const saved = await service.call('watch.save', {
        rule: {
          ...RULE(),
          name: 'lab-builds',
          folder: labFolder,
          artifactVersionPrn: version.prn,
          signingKey: null,
        },
      });
      expect(saved.status).toBe('watching');
      const file = path.join(labFolder, 'lab.bin');
      const ended = jobEndedFor(file);
      await writeFile(file, 'lab build output');
      const job = await ended;
      expect(job).toMatchObject({ status: 'done', binaryState: 'signable' });
      // In the lab workspace's queue, not the local one's.
      expect((await service.call('jobs.list', {})).items.map((j) => j.id)).toContain(job.id);

      const back = statusEvent('local-builds', 'watching');
      await service.call('profiles.use', { name: null });
      await back;
      expect((await service.call('jobs.list', {})).items.map((j) => j.id)).not.toContain(job.id);
      const rules = await service.call('watch.list');
      expect(rules.find((r) => r.settings.name === 'lab-builds')).toMatchObject({
        status: 'stopped',
      });
      await service.call('watch.remove', { name: 'lab-builds' });
      await service.call('watch.remove', { name: 'local-builds' });
    } finally {
      await lab.stop();
    }
  });
});

describe('a service that runs no queue', () => {
  it('watches nothing and says so', async () => {
    const quiet = await openDeskService({
      dataDir: path.join(dir, 'quiet'),
      env: { PERIDIO_CONFIG_DIRECTORY: path.join(dir, 'no-peridio-cli') },
      vault: new MemoryVault(),
      runQueue: false,
    });
    try {
      const saved = await quiet.call('watch.save', {
        rule: { ...RULE(), signingKey: null, folder: path.join(dir, 'builds') },
      });
      expect(saved.status).toBe('off');
      expect(saved.reason).toMatch(/runs no upload queue/);
    } finally {
      await quiet.close();
    }
  });
});
