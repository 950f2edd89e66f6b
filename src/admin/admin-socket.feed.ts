import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { Namespace, Server, Socket } from 'socket.io';
import type { SocketData } from '../core/connections/gateway-socket.js';

/** What the admin UI shows of a socket (the shape its `all_sockets` and `socket_connected` carry). */
export interface AdminSocketView {
  id: string;
  clientId: string;
  transport: string;
  nsp: string;
  data: { user?: string; name?: string; roles?: readonly string[]; subscriptions?: number };
  handshake: {
    address: string;
    headers: Record<string, string>;
    query: Record<string, string>;
    time: string;
    issued: number;
    secure: boolean;
    url: string;
  };
  rooms: string[];
}

/** Request headers an operator needs to tell clients apart; never `authorization` or `cookie`. */
const SHOWN_HEADERS = [
  'host',
  'origin',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'accept-language',
];
/** Engine.IO's own query parameters; anything else (a token someone put in the URL) stays out. */
const SHOWN_QUERY = ['EIO', 'transport'];

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const key of keys) {
    const value = source[key];
    if (typeof value === 'string') picked[key] = value;
  }
  return picked;
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url').slice(0, 12);
}

type AnySocket = Socket | Awaited<ReturnType<Namespace['fetchSockets']>>[number];

/** A local socket or one another instance described (Redis adapter): both carry handshake, rooms, data. */
export function adminSocketView(socket: AnySocket, nsp: string): AdminSocketView {
  const handshake = socket.handshake;
  const data = socket.data as Partial<SocketData> | undefined;
  const local = 'conn' in socket ? socket.conn : undefined;
  const headers = handshake.headers as Record<string, unknown>;
  const subscriptions = data?.subscriptions;
  return {
    id: socket.id,
    // The UI groups sockets by Engine.IO session ("clients"). The session id (`sid`) is what a
    // polling request presents, so the browser gets a digest of it, not a prefix of it.
    clientId: digest((local as { id?: string } | undefined)?.id ?? socket.id),
    // Another instance's socket: the transport it opened with.
    transport: local?.transport.name ?? String(handshake.query.transport ?? ''),
    nsp,
    data: {
      user: data?.principal?.sub,
      name: data?.principal?.name,
      roles: data?.principal?.roles,
      subscriptions: subscriptions instanceof Set ? subscriptions.size : undefined,
    },
    handshake: {
      address: pick(headers, ['x-forwarded-for'])['x-forwarded-for'] ?? handshake.address,
      headers: pick(headers, SHOWN_HEADERS),
      query: pick(handshake.query, SHOWN_QUERY),
      time: handshake.time,
      issued: handshake.issued,
      secure: handshake.secure,
      url: handshake.url.split('?')[0],
    },
    rooms: [...socket.rooms],
  };
}

/**
 * The admin UI's socket, room and client views, fed by the gateway itself. `@socket.io/admin-ui`
 * has a "development" mode for these, but it cannot run here: it replaces `socket.data` with a
 * Proxy, which breaks every `Set` in it (the subscriptions: subscribe and disconnect fail), re-emits
 * every event's payload to the admin namespace, and sends the handshake headers (`authorization`:
 * the token) to the browser. This feed sends the same events the UI listens to, built from
 * {@link adminSocketView}: the user, never a token or a payload.
 *
 * Events go through the admin namespace's adapter, so with Redis an admin connected to one
 * instance sees every instance's sockets, as with the package's own mode.
 */
export class AdminSocketFeed {
  private readonly logger = new Logger(AdminSocketFeed.name);

  constructor(
    private readonly server: Server,
    private readonly admin: Namespace,
  ) {}

  /** Starts feeding: the current sockets to each admin who connects, then every change. */
  attach(): void {
    const main = this.server.of('/');
    this.admin.on('connection', (adminSocket) => {
      // After the package's own `config` (its listener came first): these views exist here, and
      // still no action (join, leave, emit, disconnect) is offered.
      adminSocket.emit('config', { supportedFeatures: ['AGGREGATED_EVENTS', 'ALL_EVENTS'] });
      this.sendAllSockets(main, (sockets) => adminSocket.emit('all_sockets', sockets));
    });
    main.on('connection', (socket: Socket) => this.watch(socket, main.name));
    main.adapter.on('join-room', (room: string, id: string) => {
      if (room !== id) this.admin.emit('room_joined', main.name, room, id, new Date());
    });
    main.adapter.on('leave-room', (room: string, id: string) => {
      if (room !== id) this.admin.emit('room_left', main.name, room, id, new Date());
    });
  }

  private watch(socket: Socket, nsp: string): void {
    this.admin.emit('socket_connected', adminSocketView(socket, nsp), new Date());
    socket.conn.once('upgrade', (transport: { name: string }) => {
      this.admin.emit('socket_updated', { id: socket.id, nsp, transport: transport.name });
    });
    socket.once('disconnect', (reason) => {
      this.admin.emit('socket_disconnected', nsp, socket.id, reason, new Date());
    });
  }

  /** Every instance's sockets (Redis adapter); this instance's alone when the others do not answer. */
  private sendAllSockets(main: Namespace, send: (sockets: AdminSocketView[]) => void): void {
    main.fetchSockets().then(
      (sockets) => send(sockets.map((socket) => adminSocketView(socket as AnySocket, main.name))),
      (error: unknown) => {
        this.logger.warn(`admin UI: other instances' sockets unavailable: ${String(error)}`);
        send([...main.sockets.values()].map((socket) => adminSocketView(socket, main.name)));
      },
    );
  }
}
