// What the watch agent needs of the upload engine: its queue (for the hash cache and the
// duplicate checks), its client and connectivity, its signing keys' PRNs, and enqueue.
import type { PeridioClient } from '../peridio/index.js';
import type {
  ConnectivityMonitor,
  Job,
  JobOrigin,
  JobStore,
  SigningKeyRef,
} from '../queue/index.js';

export interface WatchEngine {
  /** The workspace the engine's jobs go to. */
  readonly workspace: string;
  readonly store: JobStore;
  readonly client: PeridioClient;
  readonly connectivity: ConnectivityMonitor;
  enqueue(input: unknown, origin?: JobOrigin): Promise<Job>;
  /** The server's PRN of a signing key (to tell whether it has signed a binary), when it is
   * known without reading the key. */
  signingKeyPrn(ref: SigningKeyRef): string | undefined;
}
