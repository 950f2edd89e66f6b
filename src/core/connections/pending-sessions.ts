import type { Server } from 'socket.io';
import type { EngineConnection } from '../delivery/slow-consumer.limiter.js';

/**
 * `MAX_PENDING_SESSIONS_PER_ADDRESS`: Engine.IO sessions one client address may hold open
 * before their Socket.IO handshake completed (a CONNECT to a namespace accepted). Such a
 * session costs its buffers and timers (10,000 polling sessions opened in 4 s held about
 * 60 MB) and proves nothing yet, so the {@link EngineRequestGate} refuses a new one from an
 * address at the cap (503, retried by a stock client with its backoff). A session leaves the
 * count when its handshake completes or it closes (Socket.IO closes one without a namespace
 * after its `connectTimeout`, 45 s).
 *
 * The address is the TCP peer, which a client cannot forge: behind a proxy or a NAT every
 * client shares one, and the cap then bounds the sessions opening at once through it, which a
 * handshake leaves within a round trip or two: see `MAX_PENDING_SESSIONS_PER_ADDRESS` in
 * .env.example for the default's reasoning. Memory is bounded: only addresses with a pending
 * session are remembered, one number each.
 */
export class PendingSessions {
  private readonly byAddress = new Map<string, number>();
  private readonly pending = new WeakSet<EngineConnection>();

  constructor(private readonly maxPerAddress: number) {}

  /** Whether `address` may open another session now. */
  admits(address: string | undefined): boolean {
    return (this.byAddress.get(address ?? '') ?? 0) < this.maxPerAddress;
  }

  /** Counts new sessions from the engine, and takes them out once their handshake completes. */
  attach(server: Server): void {
    server.engine.on('connection', (connection: EngineConnection) => this.opened(connection));
    const completed = (socket: { conn: EngineConnection }): void => this.settle(socket.conn);
    server.of('/').on('connection', completed);
    // Namespaces created later (the admin UI's `/admin`): a login there completes a session too.
    server.on('new_namespace', (namespace) => namespace.on('connection', completed));
  }

  private opened(connection: EngineConnection): void {
    const address = connection.remoteAddress ?? '';
    this.byAddress.set(address, (this.byAddress.get(address) ?? 0) + 1);
    this.pending.add(connection);
    connection.once('close', () => this.settle(connection));
  }

  private settle(connection: EngineConnection): void {
    if (!this.pending.delete(connection)) return;
    const address = connection.remoteAddress ?? '';
    const left = (this.byAddress.get(address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(address, left);
    else this.byAddress.delete(address);
  }
}
