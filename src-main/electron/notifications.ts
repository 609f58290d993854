// Desktop notifications: when a job ends done or failed (text from job-notice.ts), and once
// when the window first goes to the tray, so the person knows the app is still running.
import { Notification } from 'electron';
import { BoundedSet } from './bounded-set.js';
import type { JobNotice } from './job-notice.js';

// Kept until closed: a notification collected early loses its click handler on some systems.
// Bounded, because one left in the notification centre may never close.
const shown = new BoundedSet<Notification>(20);

export function showNotice(notice: JobNotice, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: notice.title, body: notice.body });
  shown.add(notification);
  notification.on('click', () => onClick());
  notification.on('close', () => shown.delete(notification));
  notification.show();
}

export const STILL_RUNNING_NOTICE: JobNotice = {
  title: 'Peridio Desk is still running',
  body: 'Uploads go on in the background. Open the window or quit from the tray icon.',
};
