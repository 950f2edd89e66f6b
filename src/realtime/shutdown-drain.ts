import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { SocketServerRef } from './socket-server.ref.js';

/**
 * Graceful drain (contract §7): once begun, readiness is 503 and the engine refuses new
 * connections; connected clients' transports are closed one by one over `SHUTDOWN_DRAIN_MS`.
 * Closing the transport (not `socket.disconnect()`) makes a stock client see `transport close`
 * and reconnect by itself, through the load balancer, to another instance.
 */
@Injectable()
export class ShutdownDrain {
  private readonly logger = new Logger(ShutdownDrain.name);
  private started = false;

  constructor(
    private readonly config: AppConfig,
    private readonly sockets: SocketServerRef,
  ) {}

  get draining(): boolean {
    return this.started;
  }

  async drain(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (!this.sockets.ready) return;
    const connections = [...this.sockets.server.of('/').sockets.values()].map((socket) => socket.conn);
    const spacing = connections.length > 0 ? this.config.shutdownDrainMs / connections.length : 0;
    this.logger.log(`draining ${connections.length} connections over ${this.config.shutdownDrainMs} ms`);
    for (const connection of connections) {
      connection.close();
      if (spacing > 0) await new Promise((resolve) => setTimeout(resolve, spacing));
    }
  }
}
