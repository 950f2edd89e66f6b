import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, type ConnectError, commandOk, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { PrivateRedis } from './support/redis-server.js';

/** The HTTP status a raw WebSocket upgrade of a new Engine.IO session gets (101 when accepted). */
function upgradeStatus(url: string): Promise<number> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  return new Promise((resolve, reject) => {
    ws.once('upgrade', (response) => {
      ws.terminate();
      resolve(response.statusCode ?? 0);
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

/**
 * Issue 9, defect 4 (contract v2 §3): a handshake during a Redis outage is refused at the
 * HTTP level (polling 503, the WebSocket upgrade refused with 503), never by a final
 * `connect_error`, so a stock socket.io-client keeps retrying with its own backoff and
 * connects by itself once Redis is back, without any retry code of the application.
 */
describe('redis outage: new clients come back by themselves', () => {
  const clients: ClientSocket[] = [];
  let redis: PrivateRedis;
  let gateway: RunningGateway;

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    gateway = await startGateway({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 't-comeback:' });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await gateway?.close();
    await redis?.destroy();
  });

  const ready = async (): Promise<number> => (await request(gateway.url, 'GET', '/health/ready')).status;

  it('refuses handshakes with 503 while Redis is down; stock clients connect once it returns', async () => {
    expect(await upgradeStatus(gateway.url)).toBe(101);
    await redis.stop();
    await eventually(async () => (await ready()) === 503, { timeoutMs: 10_000, what: 'readiness 503' });

    const handshake = await request(gateway.url, 'GET', '/socket.io/?EIO=4&transport=polling');
    expect(handshake.status).toBe(503);
    expect(handshake.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await upgradeStatus(gateway.url)).toBe(503);

    // Stock clients with the library's default reconnection, one per transport.
    for (const transport of ['websocket', 'polling'] as const) {
      clients.push(
        io(gateway.url, {
          auth: { token: gateway.token({ sub: `back-${transport}`, channels: ['chat:*'] }) },
          transports: [transport],
          forceNew: true,
        }),
      );
    }
    // Each is refused during the outage, by its transport, not by a final `connect_error`.
    for (const error of await Promise.all(clients.map((c) => waitForEvent<Error>(c, 'connect_error'))))
      expect(error.message).not.toBe('INTERNAL');
    expect(clients.map((c) => c.connected)).toEqual([false, false]);

    await redis.start();
    await Promise.all(
      clients.map((client) =>
        client.connected ? Promise.resolve() : waitForEvent(client, 'connect', { timeoutMs: 30_000 }),
      ),
    );
    for (const client of clients) {
      expect(await commandOk(client, 'subscribe', { channel: 'chat:comeback' })).toMatchObject({
        channel: 'chat:comeback',
      });
    }
    expect(clients.map((c) => c.io.engine.transport.name)).toEqual(['websocket', 'polling']);
  });

  it('lets a handshake that found Redis hung (no readiness probe to know it) retry, not fail for good', async () => {
    await eventually(async () => (await ready()) === 200, { timeoutMs: 10_000, what: 'readiness 200' });
    redis.pause();
    const hung: ClientSocket[] = [];
    try {
      for (const transport of ['websocket', 'polling'] as const) {
        const client = io(gateway.url, {
          auth: { token: gateway.token({ sub: `hung-${transport}` }) },
          transports: [transport],
          forceNew: true,
        });
        hung.push(client);
        clients.push(client);
        // The handshake waits for Redis until the command timeout, then the client is told
        // to come back (its transport closed) and schedules a reconnection by itself. A
        // `connect_error` carrying the server's `data` would be final instead.
        const outcome = await new Promise<string>((resolve) => {
          client.io.once('reconnect_attempt', () => resolve('retrying'));
          client.on('connect_error', (error: ConnectError) => {
            if (error.data) resolve(`refused for good: ${error.message}`);
          });
        });
        expect(outcome).toBe('retrying');
      }
    } finally {
      redis.resume();
    }
    await Promise.all(
      hung.map((client) =>
        client.connected ? Promise.resolve() : waitForEvent(client, 'connect', { timeoutMs: 30_000 }),
      ),
    );
    for (const client of hung) await commandOk(client, 'subscribe', { channel: 'public:hung' });
  });
});
