export {
  HEADER_BYTES,
  detectFileTarget,
  detectTarget,
  type TargetDetection,
} from './target-detection.js';
