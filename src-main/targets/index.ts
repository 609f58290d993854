export { detectFileTarget, detectTarget, type TargetDetection } from './target-detection.js';
