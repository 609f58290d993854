// What detection answers: a target with its evidence in words, or what the file is and why
// it has no target. Reasons are phrases that follow "it is" ("a tar archive, ...").

export type Detection =
  { ok: true; target: string; evidence: string } | { ok: false; reason: string };

export function found(target: string, evidence: string): Detection {
  return { ok: true, target, evidence };
}

export function refused(reason: string): Detection {
  return { ok: false, reason };
}
