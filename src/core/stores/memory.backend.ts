import type { AppConfig } from '../../config/app-config.js';
import { MemoryConnectionRegistry } from './connections/memory-connection.registry.js';
import { MemoryModuleStateStore } from './module-state/memory-module-state.store.js';
import { MemoryChannelLog } from './channel-log/memory-channel.log.js';
import { MemoryOccupancyStore } from './occupancy/memory-occupancy.store.js';
import { MemoryPresenceStore } from './presence/memory-presence.store.js';
import { MemoryRevocationStore } from './revocations/memory-revocation.store.js';
import type { StoreBackend } from './store-backend.js';
import type { ChannelChangeSink } from './channel-changes/channel-change-sink.js';
import { ChannelChanges } from './channel-changes/channel-changes.js';

export interface MemoryBackendHooks {
  /** A remembered stream was forgotten because of the memory cap (a metric). */
  readonly onStreamEvicted?: () => void;
  /** A publication or idempotency record was dropped over `HISTORY_MAX_BYTES` (a metric). */
  readonly onTrimmed?: (kind: 'publication' | 'idempotency') => void;
  /** Where occupancy and presence transitions go (webhooks), in the tick they happen. */
  readonly changes?: ChannelChangeSink;
}

/** The embedded default: everything in this process, nothing to connect to. */
export class MemoryBackend implements StoreBackend {
  readonly kind = 'memory';
  readonly log: MemoryChannelLog;
  readonly presence: MemoryPresenceStore;
  readonly connections = new MemoryConnectionRegistry();
  readonly occupancy: MemoryOccupancyStore;
  readonly revocations = new MemoryRevocationStore();
  readonly moduleState = new MemoryModuleStateStore();
  private readonly sweeper: NodeJS.Timeout;

  constructor(config: AppConfig, hooks: MemoryBackendHooks = {}) {
    const changes = new ChannelChanges(hooks.changes);
    this.presence = new MemoryPresenceStore(changes);
    this.occupancy = new MemoryOccupancyStore(changes);
    const historyTtlMs = config.historyTtlSeconds * 1000;
    this.log = new MemoryChannelLog({
      historySize: config.historySize,
      historyTtlMs,
      streamTtlMs: config.streamTtlSeconds * 1000,
      idempotencyTtlMs: config.idempotencyTtlSeconds * 1000,
      historyMaxBytes: config.historyMaxBytes,
      onStreamEvicted: hooks.onStreamEvicted,
      onTrimmed: hooks.onTrimmed,
    });
    // Frees expired histories and module state promptly (a stream without history costs little).
    this.sweeper = setInterval(
      () => {
        this.log.sweep();
        this.moduleState.sweep();
      },
      Math.min(historyTtlMs, 60_000),
    );
    this.sweeper.unref();
  }

  readonly available = true;

  isHealthy(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }
}
