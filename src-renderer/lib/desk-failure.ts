// The error every facade call throws: it carries the engine's DeskError untouched (the
// server's words, HTTP status, request id, field errors) so the UI can show all of it.
import type { DeskError } from '../../src-preload/contract.js';

export class DeskFailure extends Error {
  readonly desk: DeskError;

  constructor(desk: DeskError) {
    super(desk.message);
    this.name = 'DeskFailure';
    this.desk = desk;
  }
}

/** Any thrown value as a DeskError: a DeskFailure keeps its own, anything else is wrapped. */
export function toDeskError(error: unknown): DeskError {
  if (error instanceof DeskFailure) return error.desk;
  if (error instanceof Error) return { code: 'renderer_error', message: error.message };
  return { code: 'renderer_error', message: String(error) };
}

/** The lines an alert shows below the message: HTTP status and request id when known. */
export function errorDetails(error: DeskError): string[] {
  const lines: string[] = [];
  if (error.status !== undefined) lines.push(`HTTP ${error.status}`);
  if (error.requestId) lines.push(`Request id: ${error.requestId}`);
  return lines;
}

/**
 * Field errors keyed by the first segment of the field path (`signingKey.name` → `signingKey`),
 * so a form puts each message next to the control that holds that input. A form that sends one
 * nested object names it as `within` (`rule`: `rule.folder` → `folder`).
 */
export function fieldMessages(error: DeskError | null, within?: string): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const { field, message } of error?.fields ?? []) {
    const inner = within && field.startsWith(`${within}.`) ? field.slice(within.length + 1) : field;
    const key = inner.split('.', 1)[0] ?? inner;
    byField[key] = byField[key] ? `${byField[key]}; ${message}` : message;
  }
  return byField;
}
