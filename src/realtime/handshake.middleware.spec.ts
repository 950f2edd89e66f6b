import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../config/app-config.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { ConnectionRegistry } from './connections/connection-registry.js';
import { HandshakeMiddleware } from './handshake.middleware.js';
import type { GatewaySocket } from './realtime.events.js';
import type { TokenAdmission } from '../auth/token-admission.js';
import type { SubscriptionsService } from './subscriptions.service.js';

/** A registry whose `acquire` answers only when the test says so (a slow Redis). */
class SlowRegistry implements ConnectionRegistry {
  released: string[] = [];
  private answer?: (acquired: boolean) => void;

  acquire(): Promise<boolean> {
    return new Promise((resolve) => (this.answer = resolve));
  }
  release(_userId: string, connectionId: string): Promise<void> {
    this.released.push(connectionId);
    return Promise.resolve();
  }
  grant(): void {
    this.answer?.(true);
  }
}

function setUp(registry = new SlowRegistry()) {
  const principal: Principal = { sub: 'alice', roles: [], channels: [] };
  const middleware = new HandshakeMiddleware(
    { admit: () => principal } as unknown as TokenAdmission,
    registry,
    { joinPersonal: () => Promise.resolve() } as unknown as SubscriptionsService,
    {
      brokerErrors: { inc: () => undefined },
      authFailures: { inc: () => undefined },
    } as unknown as GatewayMetrics,
    { maxConnectionsPerUser: 5 } as AppConfig,
  );
  const closeListeners = new Set<(this: unknown) => void>();
  const conn = {
    readyState: 'open',
    on: (_event: string, listener: () => void) => closeListeners.add(listener),
    off: (_event: string, listener: () => void) => closeListeners.delete(listener),
    close: () => {
      for (const listener of closeListeners) listener.call(conn);
    },
  };
  const socket = socketOn(conn, 'socket-1');
  const outcome = new Promise<Error | undefined>((resolve) => middleware.handle(socket, resolve));
  return { registry, conn, socket, middleware, closeListeners, outcome };
}

function socketOn(conn: unknown, id: string): GatewaySocket {
  return {
    id,
    conn,
    handshake: { auth: { token: 't' }, headers: {}, address: '127.0.0.1' },
    data: {},
  } as unknown as GatewaySocket;
}

describe('HandshakeMiddleware connection slots', () => {
  it('releases the slot of a client that left while acquire was in flight', async () => {
    const { registry, conn, outcome } = setUp();
    conn.readyState = 'closed';
    registry.grant();
    const error = await outcome;
    expect(error?.message).toBe('INTERNAL');
    expect(registry.released).toEqual(['socket-1']);
  });

  it('releases the slot of a client that leaves before its connection completes', async () => {
    const { registry, conn, outcome } = setUp();
    registry.grant();
    expect(await outcome).toBeUndefined();
    expect(registry.released).toEqual([]);
    conn.close();
    expect(registry.released).toEqual(['socket-1']);
  });

  it('holds the slot of a connected client until its disconnect, once', async () => {
    const { registry, conn, socket, middleware, closeListeners, outcome } = setUp();
    registry.grant();
    expect(await outcome).toBeUndefined();
    middleware.connected(socket);
    expect(closeListeners.size).toBe(0);
    conn.close();
    expect(registry.released).toEqual([]);
    middleware.disconnected(socket);
    expect(registry.released).toEqual(['socket-1']);
  });

  it('releases every slot of a connection that sent a second CONNECT before the first completed', async () => {
    const { registry, conn, middleware, closeListeners, outcome } = setUp();
    registry.grant();
    expect(await outcome).toBeUndefined();
    const second = socketOn(conn, 'socket-2');
    const secondOutcome = new Promise<Error | undefined>((resolve) => middleware.handle(second, resolve));
    registry.grant();
    expect(await secondOutcome).toBeUndefined();
    expect(closeListeners.size).toBe(1);
    conn.close();
    expect(registry.released.sort()).toEqual(['socket-1', 'socket-2']);
  });

  it('still releases the pending one when the other completed first', async () => {
    const { registry, conn, socket, middleware, closeListeners, outcome } = setUp();
    registry.grant();
    expect(await outcome).toBeUndefined();
    const second = socketOn(conn, 'socket-2');
    const secondOutcome = new Promise<Error | undefined>((resolve) => middleware.handle(second, resolve));
    registry.grant();
    expect(await secondOutcome).toBeUndefined();
    middleware.connected(socket);
    expect(closeListeners.size).toBe(1);
    conn.close();
    expect(registry.released).toEqual(['socket-2']);
  });
});
