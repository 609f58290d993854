// How a command shows an upload: a bar with speed and ETA for a person at a terminal, one
// line per step otherwise, or JSON lines with --json.
import type { EngineEvent } from '../service/index.js';
import type { TransferProgress } from '../upload/index.js';

export interface ProgressPrinter {
  event(event: EngineEvent): void;
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

export function progressBar(p: TransferProgress, width = 30): string {
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
    event(event) {
      switch (event.type) {
        case 'job:queued':
          line(`queued ${event.job.request.path} as job ${event.job.id}`, {
            event: 'job:queued',
            job_id: event.job.id,
            path: event.job.request.path,
          });
          break;
        case 'job:step':
          line(`${event.step}: ${event.message}`, {
            event: 'job:step',
            job_id: event.jobId,
            step: event.step,
            message: event.message,
          });
          break;
        case 'job:progress':
          if (options.json) {
            line('', { event: 'job:progress', job_id: event.jobId, ...snake(event.progress) });
          } else if (live) {
            out.write(`\r\x1b[2K${progressBar(event.progress)}`);
            barShown = true;
          }
          break;
        case 'connectivity:changed':
          line(
            event.online
              ? 'the server answers again; going on'
              : `the server cannot be reached (${event.reason}); waiting, nothing is lost`,
            { event: event.online ? 'online' : 'offline', reason: event.reason },
          );
          break;
        case 'job:ended':
          break;
      }
    },
  };
}

function snake(p: TransferProgress): Record<string, unknown> {
  return {
    phase: p.phase,
    bytes_done: p.bytesDone,
    bytes_total: p.bytesTotal,
    bytes_per_second: Math.round(p.bytesPerSecond),
    eta_seconds: p.etaSeconds === null ? null : Math.round(p.etaSeconds),
  };
}
