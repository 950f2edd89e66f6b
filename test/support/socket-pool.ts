import type { ManagerOptions, SocketOptions } from 'socket.io-client';
import { type ClientSocket, connect } from './socket.js';

/** Connects clients for one test file and closes whatever is still open after each test. */
export class SocketPool {
  private readonly sockets: ClientSocket[] = [];

  constructor(private readonly url: () => string) {}

  async connect(
    token: string | undefined,
    options: Partial<ManagerOptions & SocketOptions> = {},
  ): Promise<ClientSocket> {
    const socket = await connect(this.url(), token, options);
    this.sockets.push(socket);
    return socket;
  }

  closeAll(): void {
    for (const socket of this.sockets.splice(0)) socket.close();
  }
}
