import type { Server } from 'socket.io';
import { type Packet, PacketType } from 'socket.io-parser';
import { directFrameSender } from './direct-frame.gate.js';
import { encodeWebSocketTextFrame } from './websocket-frame.encoder.js';

/** Engine.IO's packet type of a Socket.IO packet ("message"). */
const ENGINE_MESSAGE = '4';

/** What Socket.IO's own broadcast calls on each socket for `onAnyOutgoing` listeners. */
interface OutgoingListeners {
  notifyOutgoingListeners?(packet: Packet): void;
}

/** How many sockets each path took since start (read by tests; cheap enough to keep). */
export interface FrameOnceCounts {
  direct: number;
  engine: number;
}

/**
 * A publication to this instance's sockets in a room, written once for all of them.
 *
 * Socket.IO's broadcast already encodes the packet once (and its adapter builds the WebSocket
 * frame once, `wsPreEncodedFrame`), but then hands it to each socket's Engine.IO connection,
 * which makes a packet object, emits `packetCreate`, `flush` and `drain`, passes it through its
 * write buffer and transport, and takes a write callback per socket: most of the CPU a
 * delivery costs. Here the frame (Engine.IO message + Socket.IO packet, in one buffer) goes
 * straight to every WebSocket that {@link directFrameSender} clears, as the same bytes; every
 * other socket (polling, mid-upgrade, with something queued, a slow consumer) gets the same
 * encoded packet through Engine.IO exactly as Socket.IO's broadcast would send it.
 */
export class FrameOnceBroadcaster {
  readonly counts: FrameOnceCounts = { direct: 0, engine: 0 };

  /** Sends `event` with its one argument `payload` to the local sockets in `room`. */
  broadcast(server: Server, room: string, event: string, payload: unknown): void {
    const ids = server.sockets.adapter.rooms.get(room);
    if (!ids) return;
    const packet: Packet = { type: PacketType.EVENT, nsp: '/', data: [event, payload] };
    const encoded: unknown[] = server.encoder.encode(packet);
    const [text] = encoded;
    if (encoded.length !== 1 || typeof text !== 'string') {
      // Binary attachments travel as several Engine.IO packets: Socket.IO's own broadcast.
      (server.local.to(room).emit as (event: string, payload: unknown) => boolean)(event, payload);
      return;
    }
    const frame = [encodeWebSocketTextFrame(`${ENGINE_MESSAGE}${text}`)];
    // What Socket.IO's adapter passes (Engine.IO makes `compress` true when it is unset), so a
    // WebSocket on the normal path sends this same frame too.
    const options = { compress: true, preEncoded: true, wsPreEncodedFrame: frame };
    const sockets = server.sockets.sockets;
    let direct = 0;
    let engine = 0;
    for (const id of ids) {
      // A socket still in its handshake is in the room but not yet connected: skipped, as
      // Socket.IO's broadcast skips it.
      const socket = sockets.get(id);
      if (!socket) continue;
      (socket as unknown as OutgoingListeners).notifyOutgoingListeners?.(packet);
      const connection = socket.conn;
      const sender = directFrameSender(connection);
      if (sender) {
        sender.sendFrame(frame);
        direct++;
      } else {
        connection.write(text, options);
        engine++;
      }
    }
    this.counts.direct += direct;
    this.counts.engine += engine;
  }
}
