export { giveReadAccess, permissionDenied, whyUnreadable } from './why-unreadable.js';
export {
  NotARegularFileError,
  openRegularFile,
  readRegularFile,
  readRegularFileSync,
  statReadableFile,
} from './regular-file.js';
export { asideName } from './aside-name.js';
