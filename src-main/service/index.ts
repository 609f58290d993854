export { UploadEngine, type EngineEvent, type UploadEngineOptions } from './upload-engine.js';
export {
  InvalidInputError,
  checkUploadInput,
  uploadInputSchema,
  type UploadInput,
} from './upload-input.js';
