import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config.js';
import { ShutdownDrain } from './shutdown-drain.js';
import { applySocketCors } from './socket-cors.js';

import type { AdapterFactory } from './backend/realtime-backend.js';

/**
 * The one place the Socket.IO server is created: path, transports, packet limit, origin
 * checks and (with Redis) the cross-instance adapter. `allowRequest` runs for every HTTP
 * request of both transports, so it is where a foreign `Origin` and drain are refused
 * (CORS headers alone protect nothing on WebSocket).
 */
export class SwitchboardIoAdapter extends IoAdapter {
  private readonly config: AppConfig;
  private readonly drain: ShutdownDrain;

  constructor(
    app: INestApplicationContext,
    private readonly broker?: AdapterFactory,
  ) {
    super(app);
    this.config = app.get(AppConfig);
    this.drain = app.get(ShutdownDrain);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    const serverOptions: Partial<ServerOptions> = {
      ...options,
      path: '/socket.io',
      serveClient: false,
      transports: ['polling', 'websocket'],
      maxHttpBufferSize: this.config.maxPayloadBytes,
      // No `cors` option: it runs the cors middleware on every poll (see socket-cors.ts).
      cors: undefined,
      allowRequest: (request, callback) => {
        const refusal = this.refusal(request);
        callback(refusal, refusal === null);
      },
    };
    const server = super.createIOServer(port, serverOptions as ServerOptions);
    applySocketCors(server.engine, origins);
    if (this.broker) server.adapter(this.broker);
    return server;
  }

  /**
   * Nest binds each gateway's handlers to every socket through an RxJS pipeline per handler;
   * the {@link CommandDispatcher} serves all sockets from one table instead, so there is
   * nothing to bind here.
   */
  override bindMessageHandlers(): void {}

  private refusal(request: IncomingMessage): string | null {
    if (this.drain.draining) return 'server is draining';
    const origin = request.headers.origin;
    const allowed = this.config.corsOrigins;
    if (allowed && origin !== undefined && !allowed.includes(origin)) return `origin ${origin} not allowed`;
    return null;
  }
}
