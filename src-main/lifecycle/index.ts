export * from './binary-lifecycle.js';
