// The keychain's signing keys, for the keys view, the sign and upload dialogs, and for naming
// a signature's key in the binaries table.
import type { DeskError, SigningKeyView } from '../../src-preload/contract.js';
import { toDeskError } from './desk-failure.js';
import { facade } from './facade.js';

class KeysState {
  keys = $state.raw<SigningKeyView[]>([]);
  error = $state<DeskError | null>(null);
  loaded = $state(false);
  private byPrn = $derived(new Map(this.keys.map((key) => [key.signingKeyPrn, key.name])));

  async load(): Promise<void> {
    try {
      this.keys = await facade().call('keys.list');
      this.error = null;
    } catch (error) {
      this.error = toDeskError(error);
    }
    this.loaded = true;
  }

  /** A signature's key by name when this machine knows it, else by its key id. */
  nameOf(signingKeyPrn: string, keyid: string): string {
    return this.byPrn.get(signingKeyPrn) ?? keyid;
  }
}

export const keys = new KeysState();
