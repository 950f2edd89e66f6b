import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { RevocationRegistry } from '../../auth/revocation-registry.js';

/**
 * How often this instance merges the store's revocations into its copy: the bound on how
 * long a revocation whose broadcast this instance missed (its Redis subscription was down
 * at that moment) goes unenforced here.
 */
export const REVOCATION_SYNC_MS = 30_000;

/**
 * Keeps this instance's {@link RevocationRegistry} complete: loaded before the server
 * accepts its first handshake, merged with the store periodically afterwards, and any
 * revocation found that way is enforced on the open connections too.
 */
@Injectable()
export class RevocationSync implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RevocationSync.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: RevocationRegistry,
    private readonly lifecycle: ConnectionLifecycle,
  ) {}

  /** Start-up fails when the revocations cannot be read: a handshake must never skip them. */
  async onModuleInit(): Promise<void> {
    await this.registry.synchronise();
    this.timer = setInterval(() => void this.synchronise(), REVOCATION_SYNC_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async synchronise(): Promise<void> {
    try {
      for (const userId of await this.registry.synchronise()) this.lifecycle.enforceRevocation(userId);
    } catch (error) {
      this.logger.warn(`revocations not refreshed (kept as they are, retried): ${String(error)}`);
    }
  }
}
