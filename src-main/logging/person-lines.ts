// The log for a person at a terminal: warnings and errors only, one readable line each
// (`scheduler warn: message (field: value, ...)`); the JSON lines stay for machines and the file.

const LEVEL_NAMES: Record<number, string> = { 40: 'warn', 50: 'error', 60: 'fatal' };
const NOT_FACTS = new Set(['level', 'time', 'pid', 'hostname', 'module', 'msg']);

/** The readable line for one JSON log line, or '' when a person need not see it. */
export function personLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const level = LEVEL_NAMES[Number(entry.level)];
  if (!level) return '';
  const facts = Object.entries(entry)
    .filter(([key]) => !NOT_FACTS.has(key))
    .map(([key, value]) => `${key}: ${factText(value)}`);
  const module = typeof entry.module === 'string' ? entry.module : 'engine';
  return `${module} ${level}: ${String(entry.msg ?? '')}${facts.length ? ` (${facts.join(', ')})` : ''}\n`;
}

function factText(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'message' in value) {
    return String((value as { message: unknown }).message);
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A destination that writes `personLine`s to `stream`. */
export function personLines(stream: Pick<NodeJS.WritableStream, 'write'>): {
  write(line: string): boolean;
} {
  return {
    write(line) {
      const text = personLine(line);
      if (text) stream.write(text);
      return true;
    },
  };
}
