// A binary created before its content was hashed (a new binary streamed in one read: see
// UploadSteps.prepare) is declared with the SHA-256 of no bytes and its real, non-zero size:
// a pair no content can have, so every client can tell that its content is still to be
// declared, and a later job for the same target takes the binary over instead of calling it
// a conflict.
import type { Binary } from '../peridio/index.js';

export const PENDING_CONTENT_HASH =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function awaitsContent(binary: Pick<Binary, 'hash' | 'size'>): boolean {
  return binary.hash === PENDING_CONTENT_HASH && binary.size > 0;
}
