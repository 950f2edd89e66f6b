import { Injectable } from '@nestjs/common';
import type { Publication, ServerEventName, ServerEvents } from '@switchboard/protocol';
import { channelRoom } from './channel-room.js';
import type { GatewaySocket } from '../connections/gateway-socket.js';
import { SocketServerRef } from './socket-server.ref.js';
import { FrameOnceBroadcaster } from './frame-once.broadcaster.js';
import { SerializedPublication } from './publication-parser.js';

/** Socket.IO's typed `emit` does not accept a generic event name; this is the one widening. */
type Emit = (event: string, payload: unknown) => boolean;

/**
 * The one way a server → client event leaves the gateway: named events typed by the
 * protocol's `ServerEvents` map (which the AsyncAPI document must cover), and stored
 * publications under their own names. Nothing else calls Socket.IO's `emit`.
 */
@Injectable()
export class ServerEmitter {
  /**
   * What goes to this instance's sockets in a room (publications, `channel.position`): each
   * event's WebSocket frame written once per instance (see its doc).
   */
  readonly frames = new FrameOnceBroadcaster();

  constructor(private readonly sockets: SocketServerRef) {}

  /** A named event to one connection. */
  toSocket<E extends ServerEventName>(socket: GatewaySocket, event: E, payload: ServerEvents[E]): void {
    (socket.emit as Emit)(event, payload);
  }

  /**
   * A volatile named event to every subscriber of `channel` on every instance (through the
   * adapter), except one connection (the sender of `chat.typing`).
   */
  toChannel<E extends ServerEventName>(
    channel: string,
    event: E,
    payload: ServerEvents[E],
    exceptConnectionId?: string,
  ): void {
    if (!this.sockets.ready) return;
    const room = channelRoom(channel);
    // Every socket is in a room of its own id, on its instance: `except` excludes it everywhere.
    const to = this.sockets.server.to(room);
    const target = exceptConnectionId === undefined ? to : to.except(exceptConnectionId);
    (target.emit as Emit)(event, payload);
  }

  /**
   * A named event to this instance's subscribers of `channel` only, for what every instance
   * sends its own subscribers itself (`channel.position`): through the adapter, each
   * subscriber would get one copy per instance.
   */
  toChannelLocally<E extends ServerEventName>(channel: string, event: E, payload: ServerEvents[E]): void {
    if (!this.sockets.ready) return;
    this.frames.broadcast(this.sockets.server, channelRoom(channel), event, payload);
  }

  /**
   * A stored publication to this instance's subscribers of its channel only: every instance
   * receives the log's feed itself, in offset order, so going through the adapter would
   * deliver it twice. Returns how many local sockets it went to (the room's size, read in O(1);
   * a socket still in its handshake counts), or -1 before the server exists. An empty room is
   * not emitted to at all: Socket.IO would encode the packet for nobody. With its stored JSON
   * (`json`, the Redis feed message) the packet is built around that text (see
   * `publicationParser`), and its WebSocket frame once for every socket that can take it as
   * it is (see {@link FrameOnceBroadcaster}).
   */
  publicationLocally(publication: Publication, json?: string): number {
    if (!this.sockets.ready) return -1;
    const { server } = this.sockets;
    const room = channelRoom(publication.channel);
    const sockets = server.sockets.adapter.rooms.get(room)?.size ?? 0;
    const payload = json === undefined ? publication : new SerializedPublication(json);
    if (sockets > 0) this.frames.broadcast(server, room, publication.event, payload);
    return sockets;
  }
}
