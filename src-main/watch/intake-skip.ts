// Why the intake did not queue a file: told as a `file:ignored` reason, or as a conflict a
// person has to resolve.

export interface ConflictWhere {
  target: string;
  artifactVersionPrn: string;
  binaryPrn: string | null;
}

export class IntakeSkip extends Error {
  constructor(
    readonly kind: 'ignored' | 'conflict',
    message: string,
    readonly conflict?: ConflictWhere,
  ) {
    super(message);
  }
}
