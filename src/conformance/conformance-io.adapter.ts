import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { EngineRequestGate } from '../core/connections/engine-request.gate.js';
import { type EngineConnection, SlowConsumerLimiter } from '../core/delivery/slow-consumer.limiter.js';
import { ShutdownDrain } from '../core/connections/shutdown-drain.js';
import { applySocketCors } from '../core/connections/socket-cors.js';

/**
 * The settings the official Socket.IO v5 protocol test suite is written against: it checks
 * them in the Engine.IO handshake (`pingInterval`, `pingTimeout`, `maxPayload`) and times its
 * heartbeat and "no handshake" cases by them.
 */
export const CONFORMANCE_ENGINE = {
  pingInterval: 300,
  pingTimeout: 200,
  connectTimeout: 1000,
  maxHttpBufferSize: 1e6,
} as const;

/**
 * The Socket.IO server of the conformance app: the gateway's own engine-level parts (the
 * per-request origin and drain gate, the slow-consumer limit, CORS headers) with the suite's
 * timings, and no authentication, commands or Redis. The suite thus runs against the same
 * request handling as the gateway, not against a bare Socket.IO.
 */
export class ConformanceIoAdapter extends IoAdapter {
  private readonly config: AppConfig;
  private readonly gate: EngineRequestGate;
  private readonly slowConsumers: SlowConsumerLimiter;

  constructor(app: INestApplicationContext) {
    super(app);
    this.config = app.get(AppConfig);
    const drain = app.get(ShutdownDrain);
    this.slowConsumers = new SlowConsumerLimiter(this.config.maxBufferedBytes, app.get(GatewayMetrics));
    this.gate = new EngineRequestGate({
      allowedOrigins: this.config.corsOrigins,
      passingRefusal: () => (drain.draining ? 'server is draining' : null),
    });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const serverOptions: Partial<ServerOptions> = {
      ...options,
      ...CONFORMANCE_ENGINE,
      path: '/socket.io',
      serveClient: false,
      transports: ['polling', 'websocket'],
      cors: undefined,
    };
    const server = super.createIOServer(port, serverOptions as ServerOptions);
    server.engine.use(this.gate.handle);
    server.engine.on('connection', (connection: EngineConnection) => this.slowConsumers.watch(connection));
    applySocketCors(server.engine, this.config.corsOrigins);
    return server;
  }
}
