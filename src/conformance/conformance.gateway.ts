import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import type { GatewayServer } from '../core/connections/gateway-socket.js';
import { SocketServerRef } from '../core/delivery/socket-server.ref.js';

type Ack = (...args: unknown[]) => void;

/**
 * How long after its CONNECT answer a socket is sent its `auth` event. The suite's Node
 * harness reads WebSocket frames with `ws` 8.5, which emits every frame of one TCP read
 * synchronously, while its `waitFor()` registers the listener for the next frame only once
 * the previous promise has resolved: an `auth` frame that arrives in the same read as the
 * CONNECT answer is lost, and the test then times out. The suite's reference server (which
 * emits at once) fails that way in most runs on a loaded machine. A short pause puts the two
 * frames in separate reads; browsers, which dispatch each frame as its own task, need none.
 */
const AUTH_EVENT_DELAY_MS = 20;

/**
 * What the official Socket.IO v5 protocol test suite expects of each namespace it connects
 * to: the handshake's `auth` object sent back as an `auth` event (after
 * {@link AUTH_EVENT_DELAY_MS}), `message` echoed as
 * `message-back`, and `message-with-ack` acknowledged with its own arguments. Arguments are
 * passed through untouched (binary attachments included): the suite checks the exact frames.
 */
function serveConformance(socket: Socket): void {
  setTimeout(() => socket.emit('auth', socket.handshake.auth), AUTH_EVENT_DELAY_MS);
  socket.on('message', (...args: unknown[]) => void socket.emit('message-back', ...args));
  socket.on('message-with-ack', (...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack === 'function') (ack as Ack)(...args.slice(0, -1));
  });
}

/** The default namespace `/` of the conformance app; it also hands the server to the drain. */
@WebSocketGateway()
export class ConformanceGateway implements OnGatewayInit<GatewayServer>, OnGatewayConnection<Socket> {
  constructor(private readonly sockets: SocketServerRef) {}

  afterInit(server: GatewayServer): void {
    this.sockets.set(server);
  }

  handleConnection(socket: Socket): void {
    serveConformance(socket);
  }
}

/** The suite's second namespace, `/custom`; any other namespace is refused by Socket.IO itself. */
@WebSocketGateway({ namespace: '/custom' })
export class CustomConformanceGateway implements OnGatewayConnection<Socket> {
  handleConnection(socket: Socket): void {
    serveConformance(socket);
  }
}
