import type { Server, Socket } from 'socket.io';
import type { Ack, Publication, ServerEvents } from '@switchboard/protocol';
import type { Principal } from '../../auth/principal.js';
import type { CommandState } from './commands/command-dispatcher.js';
import type { InterServerEvents } from '../control/cluster-command.js';

/**
 * The server's view of the wire protocol: Socket.IO's typed server and socket built from
 * `@switchboard/protocol`'s maps. Server → client events are the protocol's named events; a
 * stored publication goes out under its own name, through `ServerEmitter` only.
 */
export type ServerToClientEvents = { [E in keyof ServerEvents]: (payload: ServerEvents[E]) => void };

/** Client → server commands: payloads are `unknown` until validated by the command's DTO. */
export type ClientToServerEvents = Record<
  string,
  (payload: unknown, ack?: (answer: Ack<unknown>) => void) => void
>;

/** Per-connection state, set by the handshake middleware and kept up to date by the core. */
export interface SocketData {
  principal: Principal;
  /** Channels this connection is subscribed to, the personal channel included. */
  subscriptions: Set<string>;
  /** The connection's command state (rate limit), set when the dispatcher attaches. */
  commands: CommandState;
}

export type GatewaySocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type GatewayServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** A publication's packet as Socket.IO would type it, for the one place that emits them. */
export type PublicationEmit = (event: string, publication: Publication) => boolean;

export function ok<T>(data: T): Ack<T> {
  return { ok: true, data };
}
