// The Ed25519 checks RFC 8032 leaves to the verifier, as libsodium makes them: a public key
// (or a signature's R) must be a canonical encoding of a point on the curve, not of small
// order; a signature's S must be below the group order L. With a small-order key (the
// identity `AQAA…AA=`, or all zeros) the signature R = identity, S = 0 verifies for every
// message: a binary could be made `signed` without any private key.
// Plain BigInt arithmetic: a handful of exponentiations per check, run once per key or
// signature, never on a hot path.

const P = 2n ** 255n - 19n;
/** The order of the prime subgroup. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function mod(a: bigint): bigint {
  const r = a % P;
  return r >= 0n ? r : r + P;
}

function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

const invert = (a: bigint): bigint => pow(a, P - 2n);
const D = mod(-121665n * invert(121666n));
const SQRT_MINUS_ONE = pow(2n, (P - 1n) / 4n);

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

interface Point {
  x: bigint;
  y: bigint;
}

export type PointProblem = 'not_canonical' | 'not_on_curve' | 'small_order';

/** The point of a 32-byte encoding (RFC 8032 §5.1.3), or why it names none. */
function decodePoint(bytes: Uint8Array): Point | Exclude<PointProblem, 'small_order'> {
  const sign = bytes[31]! >> 7;
  const y = littleEndian(bytes) & ((1n << 255n) - 1n);
  if (y >= P) return 'not_canonical';
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(D * y2 + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  const vx2 = mod(v * x * x);
  if (vx2 === mod(-u)) x = mod(x * SQRT_MINUS_ONE);
  else if (vx2 !== u) return 'not_on_curve';
  if (x === 0n && sign === 1) return 'not_canonical';
  if (Number(x & 1n) !== sign) x = mod(-x);
  return { x, y };
}

/** 2P on the twisted Edwards curve (a = -1); the formulas are complete on Ed25519. */
function double({ x, y }: Point): Point {
  const x2 = (x * x) % P;
  const y2 = (y * y) % P;
  return {
    x: mod(2n * x * y * invert(mod(y2 - x2))),
    y: mod((y2 + x2) * invert(mod(2n + x2 - y2))),
  };
}

/** What is wrong with a 32-byte point encoding for a key or an R, or undefined. */
export function ed25519PointProblem(bytes: Uint8Array): PointProblem | undefined {
  if (bytes.length !== 32) return 'not_on_curve';
  const point = decodePoint(bytes);
  if (typeof point === 'string') return point;
  // Small order: the cofactor 8 takes it to the identity (0, 1).
  const eight = double(double(double(point)));
  return eight.x === 0n && eight.y === 1n ? 'small_order' : undefined;
}

/** Why a 64-byte signature cannot be a valid one (R, then S < L), or undefined. */
export function ed25519SignatureProblem(signature: Uint8Array): string | undefined {
  if (signature.length !== 64) return 'is not 64 bytes';
  const r = ed25519PointProblem(signature.subarray(0, 32));
  if (r !== undefined) return `has an R that is ${POINT_WORDS[r]}`;
  if (littleEndian(signature.subarray(32)) >= L)
    return 'has an S that is not below the group order';
  return undefined;
}

export const POINT_WORDS: Record<PointProblem, string> = {
  not_canonical: 'not the canonical encoding of a point',
  not_on_curve: 'not a point on the curve',
  small_order: 'a point of small order (it would make any signature verify)',
};
