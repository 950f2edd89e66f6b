import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  type OnGatewayConnection,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { TokenError } from '../auth/token-verifier.js';
import { type ConnectionCensus, GatewayMetrics } from '../metrics/gateway-metrics.js';
import { ChannelRegistry } from './channels/channel-registry.js';
import { ActsOnChannel } from './commands/channel.guard.js';
import { CommandDispatcher } from './commands/command-dispatcher.js';
import { LocalControl } from './control/local-control.js';
import { Payload } from './commands/command-payload.pipe.js';
import { GatewayCommands } from './commands/gateway-commands.decorator.js';
import { ChannelDto, RefreshDto, SubscribeDto } from './dto/channel-command.dto.js';
import { GatewayError } from './errors/gateway.error.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import { PresenceService } from './presence/presence.service.js';
import { type GatewayServer, type GatewaySocket, ok } from './realtime.events.js';
import { TokenAdmission } from '../auth/token-admission.js';
import { SessionExpiry } from './session/session-expiry.js';
import { SocketServerRef } from './socket-server.ref.js';
import { SubscriptionsService } from './subscriptions.service.js';
import type { Ack, CommandResult } from '@switchboard/protocol';

/** The open connections of the main namespace by transport, read when `/metrics` is scraped. */
function census(server: GatewayServer): ConnectionCensus {
  const byTransport = new Map<string, number>();
  let upgraded = 0;
  for (const socket of server.of('/').sockets.values()) {
    const transport = socket.conn.transport.name;
    byTransport.set(transport, (byTransport.get(transport) ?? 0) + 1);
    if (socket.conn.upgraded) upgraded++;
  }
  return { byTransport, upgraded };
}

/**
 * The core commands (subscribe, unsubscribe, presence, auth.refresh) and the connection
 * lifecycle. Domain gateways add their own commands on the same server.
 */
@WebSocketGateway()
@GatewayCommands()
export class RealtimeGateway implements OnGatewayInit<GatewayServer>, OnGatewayConnection<GatewaySocket> {
  private readonly logger = new Logger(RealtimeGateway.name);

  constructor(
    private readonly sockets: SocketServerRef,
    private readonly handshake: HandshakeMiddleware,
    private readonly commands: CommandDispatcher,
    private readonly subscriptions: SubscriptionsService,
    private readonly presence: PresenceService,
    private readonly registry: ChannelRegistry,
    private readonly expiry: SessionExpiry,
    private readonly tokens: TokenAdmission,
    private readonly control: LocalControl,
    private readonly metrics: GatewayMetrics,
  ) {
    // One listener function each for every connection, called by Socket.IO and Engine.IO with
    // the connection as `this`: a closure per connection would cost heap on every socket.
    const release = this.release.bind(this);
    this.disconnected = function (this: GatewaySocket, reason: string) {
      release(this, reason);
    };
  }

  private readonly disconnected: (this: GatewaySocket, reason: string) => void;

  afterInit(server: GatewayServer): void {
    this.sockets.set(server);
    this.metrics.census = () => census(server);
    server.use(this.handshake.handle);
  }

  /**
   * Counts and logs the connection's life: one `connection.open` and one `connection.close`
   * line (user, transport, duration, Socket.IO's reason), never its token or payloads.
   */
  handleConnection(socket: GatewaySocket): void {
    this.handshake.connected(socket);
    this.commands.attach(socket);
    const transport = socket.conn.transport.name;
    this.metrics.connects.inc({ transport });
    this.logger.log({
      msg: 'connection opened',
      event: 'connection.open',
      userId: socket.data.principal.sub,
      socketId: socket.id,
      transport,
    });
    socket.on('disconnect', this.disconnected);
    // Last: a token that expired (or was revoked) during the handshake disconnects at once, and the
    // listener above must already be there to release what the handshake took.
    this.expiry.schedule(socket);
    this.control.connected(socket);
  }

  /** Everything a connection took is given back here, once, whatever ended it. */
  private release(socket: GatewaySocket, reason: string): void {
    // The transport at the end, after any upgrade.
    const transport = socket.conn.transport.name;
    this.metrics.disconnects.inc({ transport, reason });
    this.metrics.connectionClosed(socket.conn.upgraded);
    this.logger.log({
      msg: 'connection closed',
      event: 'connection.close',
      userId: socket.data.principal.sub,
      socketId: socket.id,
      transport,
      // Since the client's CONNECT arrived (Socket.IO's `handshake.issued`): no clock of our own per connection.
      durationMs: Date.now() - socket.handshake.issued,
      reason,
    });
    this.expiry.cancel(socket);
    this.control.disconnected(socket);
    this.handshake.disconnected(socket);
    void this.subscriptions.releaseAll(socket);
  }

  @SubscribeMessage('subscribe')
  @ActsOnChannel()
  async subscribe(
    @ConnectedSocket() socket: GatewaySocket,
    @Payload() dto: SubscribeDto,
  ): Promise<Ack<CommandResult<'subscribe'>>> {
    const channel = this.registry.resolve(dto.channel);
    return ok(await this.subscriptions.subscribe(socket, channel, dto.since));
  }

  @SubscribeMessage('unsubscribe')
  async unsubscribe(
    @ConnectedSocket() socket: GatewaySocket,
    @Payload() dto: ChannelDto,
  ): Promise<Ack<CommandResult<'unsubscribe'>>> {
    await this.subscriptions.unsubscribe(socket, this.registry.resolve(dto.channel));
    return ok({ channel: dto.channel });
  }

  @SubscribeMessage('presence')
  @ActsOnChannel()
  async list(@Payload() dto: ChannelDto): Promise<Ack<CommandResult<'presence'>>> {
    const channel = this.registry.resolve(dto.channel);
    if (!channel.policy.presence) {
      throw GatewayError.badRequest(`channel namespace "${channel.namespace}" has no presence`);
    }
    return ok({ channel: dto.channel, users: await this.presence.list(dto.channel) });
  }

  @SubscribeMessage('auth.refresh')
  async refresh(
    @ConnectedSocket() socket: GatewaySocket,
    @Payload() dto: RefreshDto,
  ): Promise<Ack<CommandResult<'auth.refresh'>>> {
    let principal;
    try {
      principal = this.tokens.admit(dto.token);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      this.metrics.authFailures.inc({ stage: 'refresh' });
      this.logger.warn(`auth.refresh refused for ${socket.data.principal.sub}: ${error.reason}`);
      throw GatewayError.unauthorized(error.reason);
    }
    if (principal.sub !== socket.data.principal.sub) {
      throw GatewayError.forbidden('the new token is for another user');
    }
    socket.data.principal = principal;
    this.expiry.schedule(socket);
    await this.subscriptions.revokeDisallowed(socket);
    return ok(principal.exp === undefined ? {} : { exp: principal.exp });
  }
}
