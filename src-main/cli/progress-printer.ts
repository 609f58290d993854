// How a command shows an upload: a bar with speed and ETA for a person at a terminal, one
// line per step otherwise, or JSON lines with --json.
import type { DeskEvent, TransferProgressView } from '../../src-preload/contract.js';

export interface ProgressPrinter {
  event(event: DeskEvent): void;
  line(text: string, json: Record<string, unknown>): void;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${UNITS[unit]}`;
}

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function progressBar(p: TransferProgressView, width = 30): string {
  const fraction = p.bytesTotal === 0 ? 1 : Math.min(p.bytesDone / p.bytesTotal, 1);
  const filled = Math.round(fraction * width);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  const verb = p.phase === 'hashing' ? 'hashing  ' : 'uploading';
  return `${verb} [${bar}] ${(fraction * 100).toFixed(0).padStart(3)}% ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)} ${formatBytes(p.bytesPerSecond)}/s ETA ${formatEta(p.etaSeconds)}`;
}

export function createProgressPrinter(options: {
  json: boolean;
  out?: NodeJS.WriteStream;
}): ProgressPrinter {
  const out = options.out ?? process.stdout;
  const live = !options.json && out.isTTY === true;
  let barShown = false;
  const clearBar = () => {
    if (barShown) out.write('\r\x1b[2K');
    barShown = false;
  };
  const line = (text: string, json: Record<string, unknown>) => {
    if (options.json) {
      out.write(`${JSON.stringify(json)}\n`);
      return;
    }
    clearBar();
    out.write(`${text}\n`);
  };
  return {
    line,
    event({ name, payload }) {
      switch (name) {
        case 'job:queued':
          line(`queued ${payload.job.request.path} as job ${payload.job.id}`, {
            event: 'job:queued',
            job_id: payload.job.id,
            path: payload.job.request.path,
          });
          break;
        case 'job:step':
          line(`${payload.step}: ${payload.message}`, {
            event: 'job:step',
            job_id: payload.jobId,
            step: payload.step,
            message: payload.message,
          });
          break;
        case 'job:progress':
          if (options.json) {
            line('', { event: 'job:progress', job_id: payload.jobId, ...snake(payload.progress) });
          } else if (live) {
            out.write(`\r\x1b[2K${progressBar(payload.progress)}`);
            barShown = true;
          }
          break;
        case 'connectivity:changed':
          line(
            payload.online
              ? 'the server answers again; going on'
              : `the server cannot be reached (${payload.reason}); waiting, nothing is lost`,
            { event: payload.online ? 'online' : 'offline', reason: payload.reason },
          );
          break;
        case 'queue:stalled':
          line(
            payload.stalled
              ? `the upload queue cannot go on: ${payload.reason}; trying again in ${Math.round(payload.retryInMs / 1000)} s`
              : 'the upload queue goes on again',
            {
              event: 'queue:stalled',
              stalled: payload.stalled,
              reason: payload.reason,
              retry_in_ms: payload.retryInMs,
            },
          );
          break;
        case 'engine:error':
          line(`${payload.source}: ${payload.message}`, {
            event: 'engine:error',
            source: payload.source,
            message: payload.message,
          });
          break;
        default:
          break;
      }
    },
  };
}

function snake(p: TransferProgressView): Record<string, unknown> {
  return {
    phase: p.phase,
    bytes_done: p.bytesDone,
    bytes_total: p.bytesTotal,
    bytes_per_second: Math.round(p.bytesPerSecond),
    eta_seconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds),
  };
}
