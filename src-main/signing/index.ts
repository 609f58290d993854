// The door of the signing room: Ed25519 keys (import, create, export, fingerprint) and the
// binary hash signature, on node:crypto alone.
export {
  importPrivateKey,
  importPrivateKeyPem,
  importPrivateKeySeed,
  readPrivateKeyFile,
} from './private-key-import.js';
export { generateSigningKeyPair, exportPrivateKeyPem } from './key-pair.js';
export type { SigningKeyPair } from './key-pair.js';
export { isPublicKeyValue, keyIdOf, publicKeyValue } from './public-key.js';
export { POINT_WORDS, ed25519PointProblem, ed25519SignatureProblem } from './ed25519-points.js';
export type { PointProblem } from './ed25519-points.js';
export { signBinaryHash, verifyBinaryHash, isBinaryHash } from './binary-hash-signature.js';
export { SigningError, isSigningError, WHAT_TO_GIVE } from './signing-error.js';
export type { SigningErrorCode, SigningErrorData } from './signing-error.js';
