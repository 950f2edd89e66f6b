import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { BackendCall } from '../stores/backend-call.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import { ClusterCommands } from './cluster-commands.js';
import { BackendUnavailableError, ControlUnconfirmedError } from '../errors/gateway.error.js';
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

export interface Lifted {
  readonly userId: string;
  /** Whether a revocation was in force. */
  readonly lifted: boolean;
}

export interface Unsubscribed {
  readonly channel: string;
  readonly userId: string;
  /** Connections unsubscribed, on every instance. */
  readonly unsubscribed: number;
}

/**
 * The control API's actions on users' connections, on every instance. An unknown user, or
 * one without connections, is not an error: nothing is affected and the count is 0. Every
 * action is idempotent, so a store or broadcast failure (503) says that it may have been
 * applied and that a retry is safe.
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

  disconnect(userId: string, reconnect: boolean): Promise<Disconnected> {
    return unconfirmedIfFailed(async () => {
      this.metrics.controlActions.inc({ action: 'disconnect' });
      const disconnected = await this.cluster.broadcast({ kind: 'disconnect', userId, reconnect });
      this.logAction('disconnect', userId, disconnected, { reconnect });
      return { userId, disconnected };
    });
  }

  /**
   * Stored first (an instance that misses the broadcast finds it at its next sync, and so
   * does one that starts later), then broadcast: each instance updates its copy and ends
   * the connections holding a revoked token.
   *
   * Tokens issued at or before `before` are refused. `iat` has one-second precision, so the
   * default is the current second: a token issued earlier in the second of the call may
   * predate it and must not survive (and one minted later in that second is refused too).
   */
  revoke(userId: string, before = Math.floor(Date.now() / 1000)): Promise<Revoked> {
    return unconfirmedIfFailed(async () => {
      this.metrics.controlActions.inc({ action: 'revoke' });
      const ttl = this.config.revocationTtlSeconds;
      const revocation = await this.backend.run('revocations.revoke', () =>
        this.revocations.revoke(userId, before, ttl),
      );
      const disconnected = await this.cluster.broadcast({ kind: 'revoke', userId, ...revocation });
      this.logAction('revoke', userId, disconnected, { before: revocation.before });
      return { userId, before: revocation.before, disconnected };
    });
  }

  /**
   * Lifts the user's revocation (a far-future `before` would otherwise lock them out for
   * `REVOCATION_TTL_SECONDS`): removed from the store first, then from every instance's copy.
   */
  lift(userId: string): Promise<Lifted> {
    return unconfirmedIfFailed(async () => {
      this.metrics.controlActions.inc({ action: 'lift' });
      const lifted = await this.backend.run('revocations.lift', () => this.revocations.lift(userId));
      await this.cluster.broadcast({ kind: 'lift', userId });
      this.logAction('lift', userId, 0, { lifted });
      return { userId, lifted };
    });
  }

  /** A kick, not a ban: the user's connections may subscribe again. */
  kick(channel: string, userId: string): Promise<Unsubscribed> {
    const resolved = this.registry.resolve(channel);
    return unconfirmedIfFailed(async () => {
      this.metrics.controlActions.inc({ action: 'kick' });
      const unsubscribed = await this.cluster.broadcast({ kind: 'kick', channel: resolved.channel, userId });
      this.logAction('kick', userId, unsubscribed, { channel: resolved.channel });
      return { channel: resolved.channel, userId, unsubscribed };
    });
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

/** A store or broadcast failure of a control action, as the 503 that says it may have happened. */
async function unconfirmedIfFailed<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw error instanceof BackendUnavailableError && !(error instanceof ControlUnconfirmedError)
      ? new ControlUnconfirmedError(error.cause)
      : error;
  }
}
