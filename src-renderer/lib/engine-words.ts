// The engine's messages, made readable where the UI shows them. The engine names files by
// their full path; for a file dropped in the dashboard that is a spool copy
// (`…/desk/spool/<uuid>/<name>`) the person never saw, so the UI names it by its file name.
import { fileNameOf } from './job-words.js';

/** `text` with every occurrence of each path replaced by that path's file name. */
export function withFileNames(text: string, paths: Iterable<string>): string {
  // Longest first, so a path that starts another path does not break the longer one.
  const sorted = [...new Set(paths)].filter((p) => p !== '').sort((a, b) => b.length - a.length);
  let result = text;
  for (const path of sorted) result = result.split(path).join(fileNameOf(path));
  return result;
}

const DETECTION_PREFIX = 'Cannot tell the target of ';

/**
 * Why a file's target was not detected, said once: the engine's reason starts with "Cannot tell
 * the target of <path>: …", which the note would otherwise repeat. Without that prefix the
 * reason is shown as it is.
 */
export function detectionFailureNote(fileName: string, path: string, reason: string): string {
  let rest: string | null = null;
  if (reason.startsWith(`${DETECTION_PREFIX}${path}: `)) {
    rest = reason.slice(DETECTION_PREFIX.length + path.length + 2);
  } else if (reason.startsWith(DETECTION_PREFIX)) {
    const colon = reason.indexOf(': ', DETECTION_PREFIX.length);
    if (colon > 0) rest = reason.slice(colon + 2);
  }
  if (rest === null) return `Could not tell the target: ${withFileNames(reason, [path])}`;
  const why = withFileNames(rest, [path]).replace(/\.\s*$/, '');
  return `Could not tell the target of ${fileName}: ${why}. Type it.`;
}

// Network failures by their system code, in words; the full reason (with the code) stays one
// click away.
const NETWORK_CODES: [RegExp, string][] = [
  [/\bECONNREFUSED\b/, 'the server refuses connections'],
  [/\b(ENOTFOUND|EAI_AGAIN)\b/, "the server's name does not resolve"],
  [/\b(ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)\b/, 'the server does not answer in time'],
  [/\b(ECONNRESET|EPIPE|UND_ERR_SOCKET)\b/, 'the connection keeps breaking'],
  [/\b(EHOSTUNREACH|ENETUNREACH|ENETDOWN)\b/, 'no route to the server'],
];

/** The gist of why the server is thought unreachable, short enough for one header line. */
export function offlineSummary(reason: string | null): string {
  if (!reason) return 'the server does not answer';
  for (const [pattern, words] of NETWORK_CODES) {
    if (pattern.test(reason)) return words;
  }
  return reason;
}
