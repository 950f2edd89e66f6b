import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { SocketServerRef } from '../delivery/socket-server.ref.js';

/**
 * Graceful drain (contract §7): once begun, readiness is 503 and the engine refuses new
 * connections; connected clients' transports are closed one by one over `SHUTDOWN_DRAIN_MS`.
 * Closing the transport (not `socket.disconnect()`) makes a stock client see `transport close`
 * and reconnect by itself, through the load balancer, to another instance.
 */
/** The shortest pause between two batches of closes. */
const MIN_STEP_MS = 10;

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
    const drainMs = this.config.shutdownDrainMs;
    this.logger.log(`draining ${connections.length} connections over ${drainMs} ms`);
    // Close in batches, one batch per step, so the whole drain keeps to SHUTDOWN_DRAIN_MS
    // however many connections there are (timers cannot fire faster than about 1 ms).
    const steps = Math.max(1, Math.min(connections.length, Math.floor(drainMs / MIN_STEP_MS)));
    const perStep = Math.ceil(connections.length / steps);
    for (let step = 0; step * perStep < connections.length; step++) {
      if (step > 0) await new Promise((resolve) => setTimeout(resolve, drainMs / steps));
      for (const connection of connections.slice(step * perStep, (step + 1) * perStep)) connection.close();
    }
  }
}
