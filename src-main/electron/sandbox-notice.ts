// Where AppArmor refuses Chromium the user namespaces it sandboxes with (Ubuntu 24.04 and
// later), electron-builder's AppImage launcher starts the app with --no-sandbox rather than
// let it abort: an AppImage cannot carry the setuid helper Chromium falls back to. The app then
// says so once, with the command that lets it keep its sandbox. Plain logic, tested without
// Electron.

export const USERNS_RESTRICTION_FILE = '/proc/sys/kernel/apparmor_restrict_unprivileged_userns';

/** The AppArmor profile name, and the executable inside any AppImage mount it applies to. */
const PROFILE = 'peridio-desk-appimage';

export interface SandboxFacts {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Chromium's sandbox is off (`--no-sandbox` on the command line). */
  noSandbox: boolean;
  /** The executable, e.g. /tmp/.mount_PeridiXXXX/peridio-desk-app inside an AppImage. */
  execPath: string;
  readText(file: string): string | null;
}

/** The notice to show, or null when the sandbox is on or the cause is something else. */
export function appImageSandboxNotice(facts: SandboxFacts): string | null {
  if (facts.platform !== 'linux' || !facts.noSandbox || !facts.env.APPIMAGE) return null;
  if (facts.readText(USERNS_RESTRICTION_FILE)?.trim() !== '1') return null;
  const executable = facts.execPath.split('/').pop() ?? 'peridio-desk-app';
  const profile =
    `abi <abi/4.0>,\\ninclude <tunables/global>\\nprofile ${PROFILE} /tmp/.mount_*/${executable} ` +
    'flags=(unconfined) {\\n  userns,\\n}\\n';
  return (
    'AppArmor restricts unprivileged user namespaces on this system, so this AppImage runs ' +
    'without Chromium’s sandbox. To give it the sandbox back, allow user namespaces for it ' +
    `once (then start it again):\n  printf '${profile}' | sudo tee /etc/apparmor.d/${PROFILE} ` +
    `&& sudo apparmor_parser -r /etc/apparmor.d/${PROFILE}\n` +
    'The .deb package installs such a profile by itself.'
  );
}
