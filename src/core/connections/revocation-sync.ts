import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RevocationRegistry } from '../../auth/revocation-registry.js';
import { REVOCATION_STORE, type RevocationStore } from '../stores/revocations/revocation-store.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';

/**
 * How often this instance merges the store's revocations into its copy: the bound on how
 * long a revocation (or its lifting) whose broadcast this instance missed (its Redis
 * subscription was down at that moment) goes unenforced here.
 */
export const REVOCATION_SYNC_MS = 30_000;

/**
 * Feeds this instance's {@link RevocationRegistry} (in auth/, which knows no store) from the
 * store: loaded before the server accepts its first handshake or REST call, merged again
 * periodically afterwards, and any revocation found that way is enforced on the open
 * connections too.
 */
@Injectable()
export class RevocationSync implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationSync.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: RevocationRegistry,
    @Inject(REVOCATION_STORE) private readonly store: RevocationStore,
    private readonly lifecycle: ConnectionLifecycle,
  ) {}

  /** Start-up fails when the revocations cannot be read: a token must never skip them. */
  async onModuleInit(): Promise<void> {
    await this.load();
    this.timer = setInterval(() => void this.synchronise(), REVOCATION_SYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The store's revocations into the registry; returns the users now revoked more than before. */
  private async load(): Promise<string[]> {
    // Taken before the read: a broadcast recorded after it is newer than the snapshot.
    const readAt = Date.now();
    return this.registry.synchronise(await this.store.active(), readAt);
  }

  private async synchronise(): Promise<void> {
    try {
      for (const userId of await this.load()) this.lifecycle.enforceRevocation(userId);
    } catch (error) {
      this.logger.warn(`revocations not refreshed (kept as they are, retried): ${String(error)}`);
    }
  }
}
