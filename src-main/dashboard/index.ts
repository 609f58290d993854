// The dashboard face: the renderer and the engine's contract over HTTP, for a browser on this
// machine.
export {
  DASHBOARD_BODY_LIMIT,
  startDashboard,
  type Dashboard,
  type DashboardLogFields,
  type DashboardLogger,
  type DashboardOptions,
  type DashboardService,
} from './dashboard-server.js';
export {
  DROPPED_FILES_FOLDER,
  DroppedFiles,
  droppedFileName,
  openDroppedFiles,
} from './dropped-files.js';
export { EventStream, sseFrame, type EventStreamOptions } from './event-stream.js';
export { isLoopbackHost, tokenMatches } from './request-guard.js';
