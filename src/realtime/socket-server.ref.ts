import { Injectable } from '@nestjs/common';
import type { GatewayServer } from './realtime.events.js';

/**
 * The Socket.IO server, handed over by the gateway's `afterInit`. Core services emit through
 * it; REST controllers and domain modules never see it.
 */
@Injectable()
export class SocketServerRef {
  private current?: GatewayServer;

  set(server: GatewayServer): void {
    this.current = server;
  }

  get server(): GatewayServer {
    if (!this.current) throw new Error('the Socket.IO server is not initialised yet');
    return this.current;
  }

  get ready(): boolean {
    return this.current !== undefined;
  }
}
