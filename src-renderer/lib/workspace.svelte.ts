// Which workspace the engine works against and whether its server answers. `generation`
// grows on every workspace switch, so views that read it reload their data.
import type { WorkspaceInfo } from '../../src-preload/contract.js';
import { facade } from './facade.js';
import { toDeskError } from './desk-failure.js';
import type { DeskError } from '../../src-preload/contract.js';

class WorkspaceState {
  info = $state<WorkspaceInfo | null>(null);
  error = $state<DeskError | null>(null);
  generation = $state(0);
  checking = $state(false);
  /** Why the engine's queue cannot use its database now (uploads wait), or null. */
  queueStall = $state<string | null>(null);
  /** The last failure outside any job (logged by the engine), until dismissed. */
  engineError = $state<string | null>(null);

  start(): void {
    const desk = facade();
    desk.on('connectivity:changed', ({ online, reason }) => {
      if (this.info) this.info = { ...this.info, online, offlineReason: reason };
    });
    desk.on('queue:stalled', ({ reason }) => {
      this.queueStall = reason;
    });
    desk.on('engine:error', ({ message }) => {
      this.engineError = message;
    });
    desk.on('workspace:changed', ({ workspace }) => {
      this.info = workspace;
      this.generation += 1;
    });
    desk.onReconnect(() => void this.load());
    // The system says the network is back: ask the server now rather than at its next probe.
    window.addEventListener('online', () => {
      if (this.info && !this.info.online) void this.checkNow();
    });
    void this.load();
  }

  /** While offline: asks the server now (the next probe may be a minute away). */
  async checkNow(): Promise<void> {
    this.checking = true;
    try {
      this.info = await facade().call('workspace.checkConnection');
      this.error = null;
    } catch (error) {
      this.error = toDeskError(error);
    } finally {
      this.checking = false;
    }
  }

  async load(): Promise<void> {
    try {
      this.info = await facade().call('workspace.get');
      this.error = null;
    } catch (error) {
      this.error = toDeskError(error);
    }
  }

  /** After this face switched the workspace itself (the event also arrives; both are fine). */
  switched(info: WorkspaceInfo): void {
    this.info = info;
    this.generation += 1;
  }
}

export const workspace = new WorkspaceState();
