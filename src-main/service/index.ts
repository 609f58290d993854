export { UploadEngine, type UploadEngineOptions } from './upload-engine.js';
export {
  InvalidInputError,
  checkUploadInput,
  uploadInputSchema,
  type UploadInput,
} from './upload-input.js';
export { DeskService, openDeskService } from './desk-service.js';
export { jobSignerResolver, signingKeyPrnOf } from './desk-signer.js';
export type { DeskListener, OpenDeskServiceOptions } from './desk-service.js';
export type { RulesFileCheck } from './watch-rules-file.js';
export { DeskCommandError, toDeskError } from './desk-errors.js';
