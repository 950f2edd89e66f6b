import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, command, commandOk, waitForEvent } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';

jest.setTimeout(120_000);

/**
 * Issue 17, item 4, Redis mode: how Redis memory is bounded (docs/scaling.md) proven on a
 * private redis-server with `maxmemory 12mb` and `maxmemory-policy volatile-ttl`. A flood of
 * `chat.send` within the per-user limits (each connection at most the default 20/s after its
 * burst, 5 connections per user), every message to a new room with a `clientId`, writes far
 * more than 12 MB of histories, stream tops and idempotency records. Every key the flood writes
 * carries a TTL, and the shortest-lived (histories, then idempotency records) are evicted
 * first, so Redis never refuses a write: every flood message is acknowledged, and another
 * user's REST publish and `chat.send` succeed throughout and afterwards.
 */
const MAXMEMORY = 12 * 1024 * 1024;
const USERS = 8;
const CONNECTIONS_PER_USER = 5;
const MESSAGES_PER_CONNECTION = 100;
const TEXT = 'x'.repeat(3900);

interface Figures {
  ok: number;
  failed: string[];
  latenciesMs: number[];
}

/** One connection's share of the flood: a new room per message, at the default rate after the burst. */
async function flood(socket: ClientSocket, name: string, figures: Figures): Promise<void> {
  for (let n = 0; n < MESSAGES_PER_CONNECTION; n++) {
    const answer = await command(socket, 'chat.send', {
      room: `${name}-${n}`,
      text: TEXT,
      clientId: `${name}-${n}`,
    });
    if (answer.ok) figures.ok++;
    else figures.failed.push(answer.error.code);
    if (n >= 35) await new Promise((resolve) => setTimeout(resolve, 55));
  }
}

/** Another user's REST publish and chat.send, every 100 ms until stopped. */
function bystander(gateway: RunningGateway, socket: ClientSocket) {
  const figures: Figures = { ok: 0, failed: [], latenciesMs: [] };
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const started = performance.now();
      const published = await request(gateway.url, 'POST', '/api/v1/publish', {
        token: serviceToken(gateway),
        body: { channel: 'public:bystander', event: 'tick', data: { n } },
      });
      const sent = await command(socket, 'chat.send', { room: 'bystander', text: `tick ${n}` });
      figures.latenciesMs.push(performance.now() - started);
      if (published.status === 201) figures.ok++;
      else figures.failed.push(`publish ${published.status} ${JSON.stringify(published.body)}`);
      if (sent.ok) figures.ok++;
      else figures.failed.push(`chat.send ${sent.error.code}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    figures,
    stop: async () => {
      running = false;
      await loop;
      return figures;
    },
  };
}

const percentile = (values: number[], p: number): number =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] ?? 0;

describe('redis maxmemory 12 MB, volatile-ttl: a chat.send flood within the limits never makes Redis refuse writes', () => {
  let redis: PrivateRedis;
  let assertions: Redis;
  let a: RunningGateway;
  let b: RunningGateway;
  const poolA = new SocketPool(() => a.url);
  const poolB = new SocketPool(() => b.url);

  beforeAll(async () => {
    redis = await PrivateRedis.start([
      '--maxmemory',
      String(MAXMEMORY),
      '--maxmemory-policy',
      'volatile-ttl',
    ]);
    assertions = new Redis(redis.url);
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'mm:' };
    a = await startGateway({ ...env, INSTANCE_ID: 'maxmemory-a' });
    b = await startGateway({ ...env, INSTANCE_ID: 'maxmemory-b' });
  });
  afterAll(async () => {
    poolA.closeAll();
    poolB.closeAll();
    await a?.close();
    await b?.close();
    assertions?.disconnect();
    await redis?.destroy();
  });

  const memoryInfo = async (): Promise<{ used: number; evicted: number }> => {
    const info = (await assertions.info('memory')) + (await assertions.info('stats'));
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
    return { used: field('used_memory'), evicted: field('evicted_keys') };
  };

  it('evicts the shortest-lived keys; every flood message and every bystander call succeeds', async () => {
    const before = await memoryInfo();
    const watcher = await poolB.connect(b.token({ sub: 'bystander', channels: ['chat:bystander'] }));
    const reader = await poolB.connect(b.token({ sub: 'bystander-reader', channels: ['chat:bystander'] }));
    await commandOk(reader, 'subscribe', { channel: 'chat:bystander' });
    const quiet = bystander(b, watcher);
    const flooders = await Promise.all(
      Array.from({ length: USERS * CONNECTIONS_PER_USER }, (_, n) =>
        poolA.connect(a.token({ sub: `flood-${n % USERS}`, channels: ['chat:*'] })),
      ),
    );
    const figures: Figures = { ok: 0, failed: [], latenciesMs: [] };
    const started = Date.now();
    let peak = 0;
    const sampler = setInterval(() => {
      void memoryInfo().then(
        ({ used }) => (peak = Math.max(peak, used)),
        () => undefined,
      );
    }, 200);
    await Promise.all(flooders.map((socket, n) => flood(socket, `f${n}`, figures)));
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const during = await quiet.stop();
    const after = await memoryInfo();
    const sentMb = (figures.ok * TEXT.length) / (1024 * 1024);
    console.info(
      `redis maxmemory 12 MB volatile-ttl: ${figures.ok} chat.send of 3.9 KB (${sentMb.toFixed(1)} MB) from ` +
        `${USERS} users on ${flooders.length} connections in ${seconds.toFixed(1)} s, ${figures.failed.length} refused; ` +
        `used_memory ${(before.used / 1048576).toFixed(1)} → peak ${(peak / 1048576).toFixed(1)} → ` +
        `${(after.used / 1048576).toFixed(1)} MB, ${after.evicted - before.evicted} keys evicted; bystander ` +
        `${during.ok} calls ok, ${during.failed.length} failed, round trip (publish + chat.send) median ` +
        `${percentile(during.latenciesMs, 0.5).toFixed(0)} ms, max ${Math.max(...during.latenciesMs).toFixed(0)} ms`,
    );
    expect(figures.failed).toEqual([]);
    expect(figures.ok).toBe(USERS * CONNECTIONS_PER_USER * MESSAGES_PER_CONNECTION);
    // The flood wrote well past maxmemory, so Redis had to evict to take it.
    expect(sentMb).toBeGreaterThan(MAXMEMORY / (1024 * 1024));
    expect(after.evicted - before.evicted).toBeGreaterThan(0);
    expect(during.failed).toEqual([]);
    expect(during.ok).toBeGreaterThan(0);

    // Afterwards too, on both instances: a publish, a chat.send, and the reader gets it live.
    for (const gateway of [a, b]) {
      const published = await request(gateway.url, 'POST', '/api/v1/publish', {
        token: serviceToken(gateway),
        body: { channel: 'public:bystander', event: 'after', data: null },
      });
      expect(published.status).toBe(201);
    }
    const arrived = waitForEvent<{ data: { text: string } }>(reader, 'chat.message', {
      filter: (message) => message.data.text === 'after the flood',
    });
    await commandOk(watcher, 'chat.send', { room: 'bystander', text: 'after the flood' });
    expect(await arrived).toMatchObject({ data: { text: 'after the flood' } });
  });
});
