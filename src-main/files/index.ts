export { whyUnreadable } from './why-unreadable.js';
