import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { TokenError } from '../auth/token-verifier.js';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { addTo, membersOf, type OneOrMany, removeFrom } from './connections/one-or-many.js';
import { CONNECTION_REGISTRY, type ConnectionRegistry } from './connections/connection-registry.js';
import type { GatewaySocket } from './realtime.events.js';
import { TokenAdmission } from '../auth/token-admission.js';
import { SubscriptionsService } from './subscriptions.service.js';
import { ErrorCode } from '@switchboard/protocol';

type Next = (error?: Error) => void;
type EngineConnection = GatewaySocket['conn'];
interface SlotHolder {
  readonly sub: string;
  readonly id: string;
}

/** The `connect_error` a client sees: `err.message` is the code, `err.data` says why. */
export function connectError(code: string, reason: string): Error {
  return Object.assign(new Error(code), { data: { code, reason } });
}

/**
 * The backend failed the handshake (Redis unreachable or hung before the gateway knew it):
 * a passing reason, which must not reach the client as a `connect_error` (final for a stock
 * client, contract v2 §3). Its transport is closed instead, and it retries with its backoff.
 */
class PassingHandshakeFailure extends Error {}

function tokenOf(socket: GatewaySocket): unknown {
  const auth = socket.handshake.auth as Record<string, unknown> | undefined;
  if (auth?.['token'] !== undefined) return auth['token'];
  const header = socket.handshake.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/**
 * Socket.IO handshake middleware (Nest guards never run on connection): verifies the token
 * (and that it is not revoked), enforces `MAX_CONNECTIONS_PER_USER`, and joins the personal channel before the first packet.
 */
@Injectable()
export class HandshakeMiddleware {
  private readonly logger = new Logger(HandshakeMiddleware.name);
  /**
   * Slots whose handshake has not completed yet, by engine connection: usually one, but a
   * client may send a second CONNECT for the namespace while the first is still here.
   */
  private readonly pending = new Map<EngineConnection, OneOrMany<SlotHolder>>();
  /** One listener for every such connection (called with it as `this`): nothing per socket. */
  private readonly closedDuringHandshake: (this: EngineConnection) => void;

  constructor(
    private readonly tokens: TokenAdmission,
    @Inject(CONNECTION_REGISTRY) private readonly connections: ConnectionRegistry,
    private readonly subscriptions: SubscriptionsService,
    private readonly metrics: GatewayMetrics,
    private readonly config: AppConfig,
  ) {
    const { pending } = this;
    const release = this.releaseSlot.bind(this);
    this.closedDuringHandshake = function (this: EngineConnection) {
      const holders = membersOf(pending.get(this));
      pending.delete(this);
      for (const holder of holders) release(holder.sub, holder.id);
    };
  }

  readonly handle = (socket: GatewaySocket, next: Next): void => {
    this.authenticate(socket).then(
      () => next(),
      (error: unknown) => {
        // Socket.IO ignores `next` once the transport is closed.
        if (error instanceof PassingHandshakeFailure) socket.conn.close();
        next(error instanceof Error ? error : connectError(ErrorCode.Internal, 'handshake failed'));
      },
    );
  };

  private async authenticate(socket: GatewaySocket): Promise<void> {
    let principal: Principal;
    try {
      principal = this.tokens.admit(tokenOf(socket));
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      this.metrics.authFailures.inc({ stage: 'handshake' });
      this.refused(socket, ErrorCode.Unauthorized, error.reason);
      throw connectError(ErrorCode.Unauthorized, error.reason);
    }
    await this.acquireConnection(socket, principal);
    socket.data.principal = principal;
    socket.data.subscriptions = new Set();
    try {
      await this.subscriptions.joinPersonal(socket);
    } catch (error) {
      // A client that left meanwhile is no outage: nothing to report, nobody to tell.
      if (socket.conn.readyState !== 'open') throw new PassingHandshakeFailure('the client left');
      this.refused(socket, ErrorCode.Internal, 'channel feed unavailable', principal.sub, String(error));
      throw new PassingHandshakeFailure('channel feed unavailable');
    }
  }

  /**
   * One `handshake.refused` line: the reason the client is told (a token's reason never
   * quotes the token), the user once the token is known, and a store failure's cause.
   */
  private refused(
    socket: GatewaySocket,
    code: ErrorCode,
    reason: string,
    userId?: string,
    cause?: string,
  ): void {
    this.logger.warn({
      msg: `handshake refused: ${reason}`,
      event: 'handshake.refused',
      code,
      reason,
      address: socket.handshake.address,
      ...(userId !== undefined && { userId }),
      ...(cause !== undefined && { error: cause }),
    });
  }

  private async acquireConnection(socket: GatewaySocket, principal: Principal): Promise<void> {
    const max = this.config.maxConnectionsPerUser;
    let acquired: boolean;
    try {
      acquired = await this.connections.acquire(principal.sub, socket.id, max);
    } catch (error) {
      this.metrics.brokerErrors.inc({ operation: 'connections.acquire' });
      this.refused(
        socket,
        ErrorCode.Internal,
        'connection registry unavailable',
        principal.sub,
        String(error),
      );
      throw new PassingHandshakeFailure('connection registry unavailable');
    }
    if (!acquired) {
      const reason = `at most ${max} connections per user`;
      this.refused(socket, ErrorCode.LimitExceeded, reason, principal.sub);
      throw connectError(ErrorCode.LimitExceeded, reason);
    }
    // The client may have gone while `acquire` was in flight (Redis): its `close` has fired
    // already and no listener would ever release the slot.
    if (socket.conn.readyState === 'closed') {
      this.releaseSlot(principal.sub, socket.id);
      throw connectError(ErrorCode.Internal, 'connection closed during the handshake');
    }
    // Until the connection completes, its engine connection's close releases the slot: a
    // client that leaves before then gets no `disconnect` (Socket.IO drops it silently).
    if (!this.pending.has(socket.conn)) socket.conn.on('close', this.closedDuringHandshake);
    addTo(this.pending, socket.conn, { sub: principal.sub, id: socket.id });
  }

  /** The connection completed: from now on its `disconnect` releases the slot ({@link disconnected}). */
  connected(socket: GatewaySocket): void {
    const holder = membersOf(this.pending.get(socket.conn)).find(({ id }) => id === socket.id);
    if (holder) removeFrom(this.pending, socket.conn, holder);
    if (!this.pending.has(socket.conn)) socket.conn.off('close', this.closedDuringHandshake);
  }

  disconnected(socket: GatewaySocket): void {
    this.releaseSlot(socket.data.principal.sub, socket.id);
  }

  private releaseSlot(userId: string, connectionId: string): void {
    this.connections.release(userId, connectionId).catch((error: unknown) => {
      this.metrics.brokerErrors.inc({ operation: 'connections.release' });
      this.logger.warn(`connection release failed: ${String(error)}`);
    });
  }
}
