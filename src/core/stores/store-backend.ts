import type { Server } from 'socket.io';
import type { ConnectionRegistry } from './connections/connection-registry.js';
import type { ModuleStateStore } from './module-state/module-state.store.js';
import type { ChannelLog } from './channel-log/channel-log.js';
import type { OccupancyStore } from './occupancy/occupancy-store.js';
import type { PresenceStore } from './presence/presence-store.js';
import type { RevocationStore } from './revocations/revocation-store.js';

/** What `server.adapter()` takes: the Socket.IO adapter class (or factory) for fan-out. */
export type AdapterFactory = NonNullable<Parameters<Server['adapter']>[0]>;

/**
 * The stores behind the channel core, chosen once at start-up: in memory (one instance) or
 * Redis (many). The core only ever sees these interfaces.
 */
export interface StoreBackend {
  readonly kind: 'memory' | 'redis';
  readonly log: ChannelLog;
  readonly presence: PresenceStore;
  readonly connections: ConnectionRegistry;
  readonly occupancy: OccupancyStore;
  readonly revocations: RevocationStore;
  readonly moduleState: ModuleStateStore;
  /** The Socket.IO adapter for cross-instance rooms; none in memory. */
  readonly socketAdapter?: AdapterFactory;
  /** Whether the backing store answers right now (readiness). */
  isHealthy(): Promise<boolean>;
  /**
   * The last known state, without a round trip: false while the store is known to be
   * unreachable. Cheap enough to read on every handshake (which is refused meanwhile).
   */
  readonly available: boolean;
  close(): Promise<void>;
}

export const STORE_BACKEND = Symbol('StoreBackend');
