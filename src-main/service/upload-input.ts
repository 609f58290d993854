// The upload command's input, checked before anything is queued: every mistake is named
// with what to do about it, and nothing is stored for a bad request.
import path from 'node:path';
import { z } from 'zod';
import { PART_LIMITS, TARGET_MAX_LENGTH, parsePrn } from '../peridio/index.js';
import type { FileFingerprint, SigningKeyRef } from '../queue/index.js';
import {
  NotARegularFileError,
  giveReadAccess,
  permissionDenied,
  statReadableFile,
  whyUnreadable,
} from '../files/index.js';

export const uploadInputSchema = z.object({
  path: z.string().min(1, 'give the path of the file to upload'),
  artifactVersionPrn: z.string().superRefine((value, ctx) => {
    const parsed = parsePrn(value, 'artifact_version');
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  }),
  target: z
    .string()
    .min(1, 'the target must not be empty (e.g. aarch64-unknown-linux-gnu)')
    .max(TARGET_MAX_LENGTH, `the target must be at most ${TARGET_MAX_LENGTH} characters`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'the target must not contain control characters'),
  signingKey: z
    .union([
      z.object({ kind: z.literal('keychain'), name: z.string().min(1).max(128) }),
      z.object({
        kind: z.literal('file'),
        privateKeyPath: z.string().min(1),
        signingKeyPrn: z.string().superRefine((value, ctx) => {
          const parsed = parsePrn(value, 'signing_key');
          if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
        }),
      }),
    ])
    .nullable()
    .default(null),
  replace: z.boolean().default(false),
});

export type UploadInput = z.input<typeof uploadInputSchema>;

export interface CheckedUpload {
  path: string;
  artifactVersionPrn: string;
  target: string;
  signingKey: SigningKeyRef | null;
  replace: boolean;
  file: FileFingerprint;
}

/** A request that cannot be queued as given, with every reason. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/**
 * A well-formed request for a file that cannot be uploaded as it is (missing, unreadable, not
 * a regular file, too large): the file needs fixing, not the request.
 */
export class UnusableFileError extends Error {
  override name = 'UnusableFileError';
  readonly code = 'file_unusable';
}

export async function checkUploadInput(input: unknown): Promise<CheckedUpload> {
  const parsed = uploadInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`),
    );
  }
  const value = parsed.data;
  const absolute = path.resolve(value.path);
  // Opened, not only looked at: a file this user may not read is refused here, before a job
  // exists, rather than by the job after it created the binary on the server.
  let info;
  try {
    info = await statReadableFile(absolute);
  } catch (error) {
    if (error instanceof NotARegularFileError) {
      throw new UnusableFileError(`${absolute} is not a regular file`);
    }
    const what = permissionDenied(error) ? `. ${giveReadAccess(absolute)}` : '';
    throw new UnusableFileError(`${absolute} ${whyUnreadable(error)}${what}`);
  }
  if (info.size > PART_LIMITS.maxBinarySize) {
    throw new UnusableFileError(
      `${absolute} is ${info.size} bytes, more than Peridio accepts for one binary (10,000 parts of 5 GiB)`,
    );
  }
  return {
    path: absolute,
    artifactVersionPrn: value.artifactVersionPrn,
    target: value.target,
    signingKey: value.signingKey,
    replace: value.replace,
    file: { size: info.size, mtimeMs: info.mtimeMs },
  };
}
