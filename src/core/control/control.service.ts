import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { BackendCall } from '../stores/backend-call.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import { ClusterCommands } from './cluster-commands.js';
import { REVOCATION_STORE, type RevocationStore } from '../stores/revocations/revocation-store.js';

export interface Disconnected {
  readonly userId: string;
  /** Connections closed, on every instance. */
  readonly disconnected: number;
}

export interface Revoked extends Disconnected {
  /** The revocation now in force: tokens with an `iat` below it are refused. */
  readonly before: number;
}

export interface Unsubscribed {
  readonly channel: string;
  readonly userId: string;
  /** Connections unsubscribed, on every instance. */
  readonly unsubscribed: number;
}

/**
 * The control API's actions on users' connections, on every instance. An unknown user, or
 * one without connections, is not an error: nothing is affected and the count is 0.
 */
@Injectable()
export class ControlService {
  private readonly logger = new Logger(ControlService.name);

  constructor(
    private readonly cluster: ClusterCommands,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    private readonly backend: BackendCall,
    private readonly registry: ChannelRegistry,
    private readonly config: AppConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  async disconnect(userId: string, reconnect: boolean): Promise<Disconnected> {
    this.metrics.controlActions.inc({ action: 'disconnect' });
    const disconnected = await this.cluster.broadcast({ kind: 'disconnect', userId, reconnect });
    this.logAction('disconnect', userId, disconnected, { reconnect });
    return { userId, disconnected };
  }

  /**
   * Stored first (an instance that misses the broadcast finds it at its next sync, and so
   * does one that starts later), then broadcast: each instance updates its copy and ends
   * the connections holding a revoked token.
   *
   * `iat` has one-second precision, so without `before` the revocation covers the whole
   * current second (`before` = the next whole second): a token issued earlier in the second
   * of the call may predate it and must not survive.
   */
  async revoke(userId: string, before = Math.floor(Date.now() / 1000) + 1): Promise<Revoked> {
    this.metrics.controlActions.inc({ action: 'revoke' });
    const ttl = this.config.revocationTtlSeconds;
    const revocation = await this.backend.run('revocations.revoke', () =>
      this.revocations.revoke(userId, before, ttl),
    );
    const disconnected = await this.cluster.broadcast({ kind: 'revoke', userId, ...revocation });
    this.logAction('revoke', userId, disconnected, { before: revocation.before });
    return { userId, before: revocation.before, disconnected };
  }

  /** A kick, not a ban: the user's connections may subscribe again. */
  async kick(channel: string, userId: string): Promise<Unsubscribed> {
    const resolved = this.registry.resolve(channel);
    this.metrics.controlActions.inc({ action: 'kick' });
    const unsubscribed = await this.cluster.broadcast({ kind: 'kick', channel: resolved.channel, userId });
    this.logAction('kick', userId, unsubscribed, { channel: resolved.channel });
    return { channel: resolved.channel, userId, unsubscribed };
  }

  /** One `control.action` line per action taken, with the connections it affected on every instance. */
  private logAction(
    action: string,
    userId: string,
    affected: number,
    details: Record<string, unknown>,
  ): void {
    this.logger.log({
      msg: `control ${action} of ${userId}`,
      event: 'control.action',
      action,
      userId,
      affected,
      ...details,
    });
  }
}
