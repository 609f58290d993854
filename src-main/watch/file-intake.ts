// Turns settled files into jobs, a few at a time so that a burst keeps memory bounded and
// the watcher never waits on hashing or the server. Settling is the watcher's (one place
// says when a file's size and mtime have held still: settling-files.ts); here a file is
// spooled, hash off the main thread, ask the queue and the server what they hold
// (intake-binary-check: duplicates are skipped, conflicts reported, a missing signature
// added), then enqueue with the hash cached so the job does not read the file again.
// A file this user may not read is told once, by its own path, and looked at again every
// few seconds (and at its next event: a chmod is one) until it can be read.
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  giveReadAccess,
  permissionDenied,
  statReadableFile,
  whyUnreadable,
} from '../files/index.js';
import { isPeridioError } from '../peridio/index.js';
import type { SigningKeyRef } from '../queue/index.js';
import type { HashedFile } from '../upload/index.js';
import { TRANSIENT_CLIENT_CODES } from '../workflow/index.js';
import type { ArtifactVersionFinder } from './artifact-version-finder.js';
import { atMost, oneAtATimePer } from './at-most.js';
import { checkQueue, checkServer } from './intake-binary-check.js';
import { IntakeSkip } from './intake-skip.js';
import type { TargetResolution } from './rule-resolution.js';
import type { Spool } from './spool.js';
import type { WatchEngine } from './watch-engine.js';
import type { WatchEvent } from './watch-events.js';
import { RecentMap } from './recent-map.js';

/** What the intake needs to know of a rule, with its path rules already compiled. */
export interface IntakeRule {
  name: string;
  spool: boolean;
  /** Reset an unsigned binary of the target that holds other content. */
  replace: boolean;
  signingKey: SigningKeyRef | null;
  target(file: string): Promise<TargetResolution>;
  version(
    file: string,
  ):
    | { kind: 'prn'; prn: string }
    | { kind: 'create'; artifactPrn: string; version: string }
    | { kind: 'error'; message: string };
}

export interface FileIntakeOptions {
  engine: WatchEngine;
  spool: Spool;
  versions: ArtifactVersionFinder;
  /** Hashes a file in a worker thread. */
  hash(file: string): Promise<HashedFile>;
  emit(event: WatchEvent): void;
  /** Files being worked on at once (hashing, asking the server, enqueueing); default 8. */
  concurrency?: number;
  /** Of those, files being hashed at once; default 2. */
  hashConcurrency?: number;
  /** How often files this user may not read are looked at again; default 5 s. */
  unreadableRetryMs?: number;
}

interface Fingerprint {
  size: number;
  mtimeMs: number;
}

/** A file on its way in, between its first report and its job (or the reason it has none). */
interface Entry {
  key: string;
  rule: IntakeRule;
  file: string;
  /** The size and mtime the watcher last reported settled. */
  seen: Fingerprint;
  state: 'ready' | 'working' | 'waiting-server';
  /** Reported again while being worked on: look at it again afterwards. */
  again: boolean;
  /** Hashed and spooled, waiting for the server to say which artifact version it goes to. */
  prepared?: Prepared;
  /** The size and mtime the file had when it was taken (hashed, queued or skipped). */
  takenAs?: Fingerprint;
}

interface Prepared {
  fingerprint: Fingerprint;
  target: string;
  /** How the target was found, in words (a header's evidence, the path, the rule). */
  targetEvidence: string;
  hashed: HashedFile;
  /** The spool copy, when made. */
  copy: string | undefined;
}

/** How many files' last taken size and mtime are remembered (see `taken`). */
const TAKEN_MEMORY = 100_000;

/**
 * Files this user may not read are looked at again this often: a person who fixes the
 * permissions sees the file taken within seconds even when no event tells of it (the
 * permission came from a folder or a group), and an open per such file every 5 s costs nothing.
 */
const UNREADABLE_RETRY_MS = 5000;

function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function fingerprintOf(stats: Stats): Fingerprint {
  return { size: stats.size, mtimeMs: stats.mtimeMs };
}

export class FileIntake {
  private readonly entries = new Map<string, Entry>();
  /**
   * The size and mtime each file had when it was last taken: a report of the same again is
   * no news (the folder watcher reports attribute changes too, such as the spool's hard link
   * to the file, and a rule that resumes reports every file again).
   */
  private readonly taken = new RecentMap<string, Fingerprint>(TAKEN_MEMORY);
  /** Files lined up or being worked on; each waits for its turn at `working`. */
  private readonly turns = new Set<Promise<void>>();
  /** Files worked on at once. */
  private readonly working: <T>(work: () => Promise<T>) => Promise<T>;
  /** Files hashed at once. */
  private readonly hashing: <T>(work: () => Promise<T>) => Promise<T>;
  /**
   * One file at a time per (artifact version, target) between the duplicate checks and its
   * enqueue, so that the second of two files for one binary sees the first one's job.
   */
  private readonly perBinary = oneAtATimePer();
  private stopping = false;
  private readonly stopped = new AbortController();
  private waitingForServer = false;
  /** Files this user may not read (told once each), by entry key, to look at again. */
  private readonly unreadable = new Map<string, { rule: IntakeRule; file: string }>();
  private unreadableTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FileIntakeOptions) {
    this.working = atMost(options.concurrency ?? 8);
    this.hashing = atMost(options.hashConcurrency ?? 2);
  }

  /** Files reported but not yet queued or skipped. */
  get pending(): number {
    return this.entries.size;
  }

  /**
   * The watcher saw `file` settle: its size and mtime held still for the rule's settle time.
   */
  offer(rule: IntakeRule, file: string, stats: Stats): void {
    if (this.stopping) return;
    const key = `${rule.name}\u0000${file}`;
    const seen = fingerprintOf(stats);
    const entry = this.entries.get(key);
    if (!entry) {
      const last = this.taken.get(key);
      if (last && sameFingerprint(last, seen)) return;
    }
    if (entry) {
      entry.seen = seen;
      if (entry.state === 'working') entry.again = true;
      if (entry.state === 'waiting-server') {
        // Newer content replaces what waited: the waiting copy is not uploaded.
        void this.discard(entry.prepared);
        entry.prepared = undefined;
        this.makeReady(entry);
      }
      return;
    }
    this.options.emit({ type: 'file:seen', rule: rule.name, path: file, size: stats.size });
    const fresh: Entry = { key, rule, file, seen, state: 'ready', again: false };
    this.entries.set(key, fresh);
    this.makeReady(fresh);
  }

  /** The server answers again: files waiting for it go on. */
  serverIsBack(): void {
    this.waitingForServer = false;
    for (const entry of this.entries.values()) {
      if (entry.state === 'waiting-server') this.makeReady(entry);
    }
  }

  /** Takes no more files; resolves once the files being worked on are queued or skipped. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopped.abort();
    clearInterval(this.unreadableTimer);
    this.unreadable.clear();
    // Files still waiting for their turn give it up (see `makeReady`).
    while (this.turns.size > 0) await Promise.allSettled([...this.turns]);
    // Copies that waited for the server: the next start sees their files again.
    for (const entry of this.entries.values()) await this.discard(entry.prepared);
    this.entries.clear();
  }

  private makeReady(entry: Entry): void {
    if (this.stopping) return;
    entry.state = 'ready';
    const turn: Promise<void> = this.working(async () => {
      if (!this.stopping) await this.work(entry);
    }).finally(() => this.turns.delete(turn));
    this.turns.add(turn);
  }

  private async work(entry: Entry): Promise<void> {
    entry.state = 'working';
    entry.again = false;
    let outcome: 'done' | 'moved-on' | 'wait' | 'unreadable' = 'done';
    try {
      outcome = await this.take(entry);
    } catch (error) {
      if (permissionDenied(error)) outcome = 'unreadable';
      this.report(entry, error);
    }
    if (this.stopping) return;
    const { takenAs } = entry;
    if (outcome === 'unreadable') this.readLater(entry);
    else this.unreadable.delete(entry.key);
    if (outcome === 'done' && takenAs) this.taken.set(entry.key, takenAs);
    if (outcome === 'wait') {
      entry.state = 'waiting-server';
      this.waitForServer();
    } else if (entry.again && !(takenAs && sameFingerprint(entry.seen, takenAs))) {
      // Reported settled again meanwhile, with other content: taken again.
      this.makeReady(entry);
    } else {
      // Done; or written to since it settled, and the watcher reports it once it settles
      // again (its write is an event in the watched folder).
      this.entries.delete(entry.key);
    }
  }

  /** Not remembered as taken: the file is looked at again, here and at its next event. */
  private readLater(entry: Entry): void {
    this.unreadable.set(entry.key, { rule: entry.rule, file: entry.file });
    this.unreadableTimer ??= setInterval(
      () => void this.retryUnreadable(),
      this.options.unreadableRetryMs ?? UNREADABLE_RETRY_MS,
    );
    this.unreadableTimer.unref();
  }

  /** Offers again each unreadable file that can be read now; forgets those that are gone. */
  private async retryUnreadable(): Promise<void> {
    for (const [key, { rule, file }] of this.unreadable) {
      if (this.stopping) return;
      if (this.entries.has(key)) continue;
      let stats: Stats;
      try {
        stats = await statReadableFile(file);
      } catch (error) {
        if (!permissionDenied(error)) this.unreadable.delete(key);
        continue;
      }
      this.unreadable.delete(key);
      this.offer(rule, file, stats);
    }
    if (this.unreadable.size === 0) {
      clearInterval(this.unreadableTimer);
      this.unreadableTimer = undefined;
    }
  }

  private report(entry: Entry, error: unknown): void {
    const { rule, file } = entry;
    if (permissionDenied(error)) {
      // Told by the file's own path (the spool copy or the hash may be what failed), once
      // while it stays unreadable.
      if (this.unreadable.has(entry.key)) return;
      const reason = `${whyUnreadable(error)}. ${giveReadAccess(file)} It is taken as soon as it can be read.`;
      this.options.emit({ type: 'file:ignored', rule: rule.name, path: file, reason });
      return;
    }
    if (error instanceof IntakeSkip && error.kind === 'conflict' && error.conflict) {
      this.options.emit({
        type: 'file:conflict',
        rule: rule.name,
        path: file,
        ...error.conflict,
        message: error.message,
      });
      return;
    }
    const reason =
      error instanceof IntakeSkip
        ? error.message
        : `could not be queued: ${error instanceof Error ? error.message : String(error)}`;
    this.options.emit({ type: 'file:ignored', rule: rule.name, path: file, reason });
  }

  /** One look at the file: on to its job, back to settling, or waiting for the server. */
  private async take(entry: Entry): Promise<'done' | 'moved-on' | 'wait'> {
    const { rule, file } = entry;
    let prepared = entry.prepared;
    if (!prepared) {
      entry.takenAs = undefined;
      let now: Stats;
      try {
        now = await stat(file);
      } catch {
        throw new IntakeSkip('ignored', 'was removed before it could be taken');
      }
      const fingerprint = fingerprintOf(now);
      if (!sameFingerprint(fingerprint, entry.seen)) return 'moved-on';
      entry.takenAs = fingerprint;
      // Before anything reads it (target detection, the spool, the hash) or asks the server.
      await statReadableFile(file);
      const version = rule.version(file);
      if (version.kind === 'error') throw new IntakeSkip('ignored', version.message);
      const target = await rule.target(file);
      if (!target.ok) throw new IntakeSkip('ignored', target.message);
      const made = await this.prepare(entry, fingerprint, target);
      if (!made) return 'moved-on';
      prepared = made;
    }
    let artifactVersionPrn: string;
    try {
      const found = await this.artifactVersionOf(entry);
      if (found === undefined) {
        await this.ensureCopy(entry, prepared);
        entry.prepared = prepared;
        return 'wait';
      }
      artifactVersionPrn = found;
    } catch (error) {
      await this.discard(prepared);
      entry.prepared = undefined;
      throw error;
    }
    entry.prepared = undefined;
    try {
      await this.enqueue(entry, prepared, artifactVersionPrn);
    } catch (error) {
      await this.discard(prepared);
      throw error;
    }
    return 'done';
  }

  /**
   * The file's hash (from the cache when this path, size and mtime were hashed before) and,
   * unless it is already queued, its spool copy. Undefined when it changed meanwhile.
   */
  private async prepare(
    entry: Entry,
    fingerprint: Fingerprint,
    { target, evidence: targetEvidence }: { target: string; evidence: string },
  ): Promise<Prepared | undefined> {
    const { engine } = this.options;
    const { rule, file } = entry;
    const cached = engine.store.cachedHash(file, fingerprint, engine.workspace);
    if (cached) return { fingerprint, target, targetEvidence, hashed: cached, copy: undefined };
    const copy = rule.spool ? await this.options.spool.put(file) : undefined;
    try {
      const hashed = await this.hashing(() => this.options.hash(copy ?? file));
      // The file moved on since it settled: what was copied or hashed may be torn, so it
      // is taken when the watcher sees it settle again. Gone is fine: the copy was made of the settled file (that is what
      // the spool is for).
      const after = await stat(file).catch(() => undefined);
      if (after && !sameFingerprint(fingerprintOf(after), fingerprint)) {
        await this.discard({ copy });
        return undefined;
      }
      const original = { ...hashed, path: file, ...fingerprint };
      if (after) engine.store.rememberHash(original, engine.workspace);
      if (copy) engine.store.rememberHash(hashed, engine.workspace);
      return { fingerprint, target, targetEvidence, hashed: original, copy };
    } catch (error) {
      await this.discard({ copy });
      throw error;
    }
  }

  /** Sets the file aside now (once), so a build cleaning its folder cannot take it away. */
  private async ensureCopy(entry: Entry, prepared: Prepared): Promise<void> {
    if (!entry.rule.spool || prepared.copy) return;
    const { engine, spool } = this.options;
    const copy = await spool.put(entry.file);
    const copied = await stat(copy);
    engine.store.rememberHash(
      { ...prepared.hashed, path: copy, size: copied.size, mtimeMs: copied.mtimeMs },
      engine.workspace,
    );
    prepared.copy = copy;
  }

  /** The artifact version's PRN, or undefined while the server cannot be asked. */
  private async artifactVersionOf(entry: Entry): Promise<string | undefined> {
    const version = entry.rule.version(entry.file);
    if (version.kind === 'error') throw new IntakeSkip('ignored', version.message);
    if (version.kind === 'prn') return version.prn;
    const { versions, engine } = this.options;
    const known = versions.known(version.artifactPrn, version.version);
    if (known !== undefined) return known;
    if (!engine.connectivity.online) return undefined;
    try {
      return await versions.prnOf(version.artifactPrn, version.version);
    } catch (error) {
      if (isPeridioError(error) && TRANSIENT_CLIENT_CODES.has(error.code)) {
        engine.connectivity.reportOffline(error.message);
        return undefined;
      }
      const why = error instanceof Error ? error.message : String(error);
      throw new IntakeSkip(
        'ignored',
        `has no artifact version: version "${version.version}" of ${version.artifactPrn} could not be found or created (${why})`,
      );
    }
  }

  private async enqueue(
    entry: Entry,
    prepared: Prepared,
    artifactVersionPrn: string,
  ): Promise<void> {
    const key = `${artifactVersionPrn}\u0000${prepared.target}`;
    await this.perBinary(key, () => this.enqueueNow(entry, prepared, artifactVersionPrn));
  }

  private async enqueueNow(
    entry: Entry,
    prepared: Prepared,
    artifactVersionPrn: string,
  ): Promise<void> {
    const { engine } = this.options;
    const { rule, file } = entry;
    const { target, hashed } = prepared;
    const check = {
      ruleName: rule.name,
      replace: rule.replace,
      signingKey: rule.signingKey,
      artifactVersionPrn,
      target,
      hashed,
    };
    checkQueue(engine, check);
    const go = await checkServer(engine, check, this.stopped.signal);
    await this.ensureCopy(entry, prepared);
    const copy = prepared.copy;
    const job = await engine.enqueue(
      {
        path: copy ?? file,
        artifactVersionPrn,
        target,
        signingKey: rule.signingKey,
        replace: go.replace,
      },
      { ...(copy ? { sourcePath: file } : {}), sha256: hashed.sha256 },
    );
    this.options.emit({
      type: 'job:queued',
      rule: rule.name,
      jobId: job.id,
      path: file,
      uploadPath: job.request.path,
      target,
      targetEvidence: prepared.targetEvidence,
      artifactVersionPrn,
      sha256: hashed.sha256,
      size: hashed.size,
      ...(go.addsSignature ? { addsSignature: go.addsSignature } : {}),
    });
  }

  private waitForServer(): void {
    if (this.waitingForServer) return;
    this.waitingForServer = true;
    void this.options.engine.connectivity.whenOnline(this.stopped.signal).then(() => {
      if (!this.stopping) this.serverIsBack();
    });
  }

  private async discard(prepared: { copy?: string | undefined } | undefined): Promise<void> {
    if (prepared?.copy) await this.options.spool.remove(prepared.copy).catch(() => {});
  }
}
