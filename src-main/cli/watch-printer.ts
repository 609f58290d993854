// How `peridio-desk watch` tells what happens: one short line per event for a person, or
// one JSON object per line with --json (snake_case fields, like the upload command's).
import type { WatchEvent } from '../watch/index.js';
import { formatBytes } from './progress-printer.js';

export type WatchLine = Record<string, unknown>;

/** The event as a JSON line's object. */
export function watchEventJson(event: WatchEvent): WatchLine {
  switch (event.type) {
    case 'file:seen':
      return { event: event.type, rule: event.rule, path: event.path, size: event.size };
    case 'file:ignored':
      return { event: event.type, rule: event.rule, path: event.path, reason: event.reason };
    case 'file:conflict':
      return {
        event: event.type,
        rule: event.rule,
        path: event.path,
        target: event.target,
        artifact_version_prn: event.artifactVersionPrn,
        binary_prn: event.binaryPrn,
        message: event.message,
      };
    case 'job:queued':
      return {
        event: event.type,
        rule: event.rule,
        job_id: event.jobId,
        path: event.path,
        upload_path: event.uploadPath,
        target: event.target,
        target_evidence: event.targetEvidence,
        artifact_version_prn: event.artifactVersionPrn,
        sha256: event.sha256,
        size: event.size,
      };
    case 'job:progress': {
      const p = event.progress;
      return {
        event: event.type,
        job_id: event.jobId,
        phase: p.phase,
        bytes_done: p.bytesDone,
        bytes_total: p.bytesTotal,
        bytes_per_second: Math.round(p.bytesPerSecond),
        eta_seconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds),
      };
    }
    case 'job:done':
      return {
        event: event.type,
        job_id: event.jobId,
        path: event.path,
        binary_prn: event.binaryPrn,
        state: event.state,
      };
    case 'job:failed':
      return {
        event: event.type,
        job_id: event.jobId,
        path: event.path,
        binary_prn: event.binaryPrn,
        error: event.error,
      };
    case 'rule:paused':
      return { event: event.type, rule: event.rule, folder: event.folder, reason: event.reason };
    case 'rule:resumed':
      return { event: event.type, rule: event.rule, folder: event.folder };
    case 'rule:warning':
      return { event: event.type, rule: event.rule, folder: event.folder, message: event.message };
    case 'connectivity:changed':
      return { event: event.online ? 'online' : 'offline', reason: event.reason };
  }
}

/** The event as a line for a person, or undefined for events a person need not see. */
export function watchEventText(event: WatchEvent): string | undefined {
  switch (event.type) {
    case 'file:seen':
      return `seen     ${event.path} (${formatBytes(event.size)})`;
    case 'file:ignored':
      return `ignored  ${event.path}: ${event.reason}`;
    case 'file:conflict':
      return `conflict ${event.path}: ${event.message}`;
    case 'job:queued':
      return `queued   ${event.path} for ${event.target} (${event.targetEvidence}; job ${event.jobId})`;
    case 'job:progress':
      // Many jobs may run at once: a progress bar per job would only scroll.
      return undefined;
    case 'job:done':
      return `done     ${event.path} -> ${event.binaryPrn} (${event.state})`;
    case 'job:failed':
      return `failed   ${event.path}: ${event.error.message}`;
    case 'rule:paused':
      return `rule "${event.rule}" paused: ${event.folder} ${event.reason}; watching for it to come back`;
    case 'rule:resumed':
      return `rule "${event.rule}" resumed: ${event.folder} is back`;
    case 'rule:warning':
      return `rule "${event.rule}": ${event.message}`;
    case 'connectivity:changed':
      return event.online
        ? 'the server answers again; going on'
        : `the server cannot be reached (${event.reason}); files are still hashed and queued, nothing is lost`;
  }
}

export function createWatchPrinter(options: { json: boolean; out?: NodeJS.WritableStream }) {
  const out = options.out ?? process.stdout;
  return {
    event(event: WatchEvent): void {
      if (options.json) {
        out.write(`${JSON.stringify(watchEventJson(event))}\n`);
        return;
      }
      const text = watchEventText(event);
      if (text !== undefined) out.write(`${text}\n`);
    },
    line(text: string, json: WatchLine): void {
      out.write(options.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
    },
  };
}
