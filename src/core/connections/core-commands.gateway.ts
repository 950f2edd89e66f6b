import { Logger } from '@nestjs/common';
import { ConnectedSocket, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import { TokenError } from '../../auth/token-verifier.js';
import { type ConnectionCensus, GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import { ActsOnChannel } from './commands/channel.guard.js';
import { Command } from './commands/command.decorator.js';
import { ChannelAnswerDto, RefreshAnswerDto, SubscribeAnswerDto } from './commands/core-replies.dto.js';
import { PresenceListDto } from '../delivery/core-events.dto.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { Payload } from './commands/command-payload.pipe.js';
import { GatewayCommands } from './commands/gateway-commands.decorator.js';
import { ChannelDto, RefreshDto, SubscribeDto } from './commands/channel-command.dto.js';
import { GatewayError } from '../errors/gateway.error.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import { PresenceService } from './presence.service.js';
import { type GatewayServer, type GatewaySocket, ok } from './gateway-socket.js';
import { TokenAdmission } from '../../auth/token-admission.js';
import { SessionExpiry } from './session-expiry.js';
import { SocketServerRef } from '../delivery/socket-server.ref.js';
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
 * The core commands (subscribe, unsubscribe, presence, auth.refresh), and the server's entry
 * points: the handshake middleware and each new connection, handed to {@link ConnectionLifecycle}.
 * Domain gateways add their own commands on the same server.
 */
@WebSocketGateway()
@GatewayCommands()
export class CoreCommandsGateway implements OnGatewayInit<GatewayServer> {
  private readonly logger = new Logger(CoreCommandsGateway.name);

  constructor(
    private readonly sockets: SocketServerRef,
    private readonly handshake: HandshakeMiddleware,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly subscriptions: SubscriptionsService,
    private readonly presence: PresenceService,
    private readonly registry: ChannelRegistry,
    private readonly expiry: SessionExpiry,
    private readonly tokens: TokenAdmission,
    private readonly metrics: GatewayMetrics,
  ) {}

  afterInit(server: GatewayServer): void {
    this.sockets.set(server);
    this.metrics.census = () => census(server);
    server.use(this.handshake.handle);
    // The one connection listener (the adapter binds none of Nest's, see its bindClientConnect).
    server.on('connection', (socket: GatewaySocket) => this.lifecycle.opened(socket));
  }

  @Command('subscribe', {
    summary: 'Subscribe to a channel; with `since`, recover what was missed',
    reply: SubscribeAnswerDto,
  })
  @ActsOnChannel()
  async subscribe(
    @ConnectedSocket() socket: GatewaySocket,
    @Payload() dto: SubscribeDto,
  ): Promise<Ack<CommandResult<'subscribe'>>> {
    const channel = this.registry.resolve(dto.channel);
    return ok(await this.subscriptions.subscribe(socket, channel, dto.since));
  }

  @Command('unsubscribe', { summary: 'Stop receiving a channel', reply: ChannelAnswerDto })
  async unsubscribe(
    @ConnectedSocket() socket: GatewaySocket,
    @Payload() dto: ChannelDto,
  ): Promise<Ack<CommandResult<'unsubscribe'>>> {
    await this.subscriptions.unsubscribe(socket, this.registry.resolve(dto.channel));
    return ok({ channel: dto.channel });
  }

  @Command('presence', { summary: 'The users present in a channel with presence', reply: PresenceListDto })
  @ActsOnChannel()
  async list(@Payload() dto: ChannelDto): Promise<Ack<CommandResult<'presence'>>> {
    const channel = this.registry.resolve(dto.channel);
    if (!channel.presence) {
      throw GatewayError.badRequest(`channel namespace "${channel.namespace}" has no presence`);
    }
    return ok({ channel: dto.channel, users: await this.presence.list(dto.channel) });
  }

  @Command('auth.refresh', { summary: "Replace the connection's token (same sub)", reply: RefreshAnswerDto })
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
