import { Injectable } from '@nestjs/common';
import type { GatewayServer } from '../connections/gateway-socket.js';

/**
 * The Socket.IO server, handed over by the gateway's `afterInit`. Core services emit through
 * it; REST controllers and domain modules never see it.
 */
@Injectable()
export class SocketServerRef {
  private current?: GatewayServer;
  private readonly readyListeners: ((server: GatewayServer) => void)[] = [];

  set(server: GatewayServer): void {
    this.current = server;
    for (const listener of this.readyListeners.splice(0)) listener(server);
  }

  /** Runs `listener` once the server exists (at once if it does already). */
  onReady(listener: (server: GatewayServer) => void): void {
    if (this.current) listener(this.current);
    else this.readyListeners.push(listener);
  }

  get server(): GatewayServer {
    if (!this.current) throw new Error('the Socket.IO server is not initialised yet');
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }
}
