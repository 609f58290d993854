export { defaultDataDir, localWorkspaceDir } from './app-paths.js';
