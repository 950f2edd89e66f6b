import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../../config/app-config.js';
import { GatewayMetrics } from '../../metrics/gateway-metrics.js';
import { STORE_BACKEND, type StoreBackend } from '../stores/store-backend.js';
import { EngineRequestGate } from './engine-request.gate.js';
import { PayloadSizeWatch } from './payload-size.watch.js';
import { PendingSessions } from './pending-sessions.js';
import { type EngineConnection, SlowConsumerLimiter } from '../delivery/slow-consumer.limiter.js';
import { ShutdownDrain } from './shutdown-drain.js';
import { applySocketCors } from './socket-cors.js';
import { publicationParser } from '../delivery/publication-parser.js';

import type { AdapterFactory } from '../stores/store-backend.js';

/**
 * Something that adds to the Socket.IO server once it exists (the admin UI's namespace), and
 * releases what it opened when the server closes.
 */
export interface SocketServerPlugin {
  attach(server: Server): void;
  close(): void;
}

/**
 * The one place the Socket.IO server is created: path, transports, packet limit, origin
 * checks and (with Redis) the cross-instance adapter. The {@link EngineRequestGate} sees
 * every HTTP request of both transports, so it is where a foreign `Origin` (on any request of
 * a session), drain and an unreachable backend (on new sessions) are refused.
 */
export class SwitchboardIoAdapter extends IoAdapter {
  private readonly config: AppConfig;
  private readonly gate: EngineRequestGate;
  private readonly slowConsumers: SlowConsumerLimiter;
  private readonly payloadSizes: PayloadSizeWatch;
  private readonly pendingSessions: PendingSessions;
  constructor(
    app: INestApplicationContext,
    private readonly broker?: AdapterFactory,
    /** Attached after the adapter, so that their namespaces use it too. */
    private readonly plugins: readonly SocketServerPlugin[] = [],
  ) {
    super(app);
    this.config = app.get(AppConfig);
    const drain = app.get(ShutdownDrain);
    const backend = app.get<StoreBackend>(STORE_BACKEND);
    const metrics = app.get(GatewayMetrics);
    this.slowConsumers = new SlowConsumerLimiter(this.config.maxBufferedBytes, metrics);
    this.payloadSizes = new PayloadSizeWatch(metrics.payloadsRefused.labels('size'));
    this.pendingSessions = new PendingSessions(this.config.maxPendingSessionsPerAddress);
    this.gate = new EngineRequestGate({
      allowedOrigins: this.config.corsOrigins,
      passingRefusal: () =>
        drain.draining ? 'server is draining' : backend.available ? null : 'backend unavailable',
      admitsAddress: (address) => this.pendingSessions.admits(address),
      onPendingRefused: () => metrics.pendingSessionsRefused.inc(),
    });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    const serverOptions: Partial<ServerOptions> = {
      ...options,
      path: '/socket.io',
      serveClient: false,
      transports: ['polling', 'websocket'],
      maxHttpBufferSize: this.config.maxPayloadBytes,
      parser: publicationParser,
      // No `cors` option: it runs the cors middleware on every poll (see socket-cors.ts).
      cors: undefined,
    };
    const server = super.createIOServer(port, serverOptions as ServerOptions);
    server.engine.use(this.gate.handle);
    this.pendingSessions.attach(server);
    server.engine.use(this.payloadSizes.handle);
    server.engine.on('connection', (connection: EngineConnection) => {
      this.slowConsumers.watch(connection);
      this.payloadSizes.watch(connection);
    });
    applySocketCors(server.engine, origins);
    if (this.broker) server.adapter(this.broker);
    for (const plugin of this.plugins) plugin.attach(server);
    return server;
  }

  override async close(server: Server): Promise<void> {
    for (const plugin of this.plugins) plugin.close();
    await super.close(server);
  }

  /**
   * Nest binds each gateway's handlers to every socket through an RxJS pipeline per handler;
   * the {@link CommandDispatcher} serves all sockets from one table instead, so there is
   * nothing to bind here.
   */
  override bindMessageHandlers(): void {}

  /**
   * Nest would bind, per gateway, a connection handler that runs RxJS subjects and binds every
   * message handler to every new socket (about 100 µs a connection, measured), only to find
   * nothing to do here. The core's connection lifecycle listens to `connection` itself
   * (`CoreCommandsGateway.afterInit`), once for the whole server; gateways have no
   * `handleConnection`.
   */
  override bindClientConnect(): void {}

  /**
   * Nest would add a `disconnect` listener per gateway per socket to call `handleDisconnect`;
   * no gateway has one (the core's connection lifecycle registers its own), so none is added.
   */
  override bindClientDisconnect(): void {}
}
