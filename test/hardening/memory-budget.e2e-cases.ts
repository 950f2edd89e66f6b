import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Redis } from 'ioredis';
import type { MemoryChannelLog } from '../../src/core/stores/channel-log/memory-channel.log.js';
import { STORE_BACKEND, type StoreBackend } from '../../src/core/stores/store-backend.js';
import { ControlApi } from '../support/control.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { publish, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, commandOk } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';

/**
 * Issue 17, item 4: memory by configuration, not by the clients' goodwill. Twenty connections
 * with a `chat:*` grant, within the rate limit, held 8.5 KB of heap per message for the history
 * TTL and crashed a gateway started with a 256 MB heap; an idempotency record kept the whole
 * payload (2,000 keyed 32 KB publishes: +86 MB in Redis, +66 MB of heap). Now
 * `HISTORY_MAX_BYTES` bounds stored publications and records in memory mode, and a record
 * holds the answer only.
 */
const MIB = 1024 * 1024;

/** A forced full GC, for heap figures that measure what is held rather than garbage. */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = collectGarbage();
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const memoryLog = (gateway: RunningGateway): MemoryChannelLog =>
  gateway.app.get<StoreBackend>(STORE_BACKEND).log as MemoryChannelLog;

/** Sends `count` chat messages of `text` from `socket`, one room per message, at most `perSecond`. */
async function chatFlood(socket: ClientSocket, prefix: string, count: number, text: string): Promise<number> {
  let ok = 0;
  for (let n = 0; n < count; n++) {
    await commandOk(socket, 'chat.send', { room: `${prefix}-${n % 25}`, text, clientId: `${prefix}-${n}` });
    ok++;
    // 20 a second after the burst of 40: the contract's default rate, never refused.
    if (n >= 35) await new Promise((resolve) => setTimeout(resolve, 55));
  }
  return ok;
}

describe('memory mode: HISTORY_MAX_BYTES holds against a chat.send flood within the limits', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ HISTORY_MAX_BYTES: String(MIB) });
  });
  afterAll(async () => {
    pool.closeAll();
    await gateway.close();
  });

  it('stays within the budget; an older channel keeps its epoch and top, and says recovered: false', async () => {
    const old = 'chat:budget-old';
    for (let n = 0; n < 3; n++) await publish(gateway, old, 'note', { n });
    const top = (await new ControlApi(gateway).channel(old)).body;
    const heapBefore = heapUsed();
    const users = 5;
    const text = 'x'.repeat(3900);
    const sockets = await Promise.all(
      Array.from({ length: users * 2 }, (_, n) =>
        pool.connect(gateway.token({ sub: `budget-${n % users}`, channels: ['chat:*'] })),
      ),
    );
    const started = Date.now();
    const sent = await Promise.all(sockets.map((socket, n) => chatFlood(socket, `budget-${n}`, 60, text)));
    const seconds = (Date.now() - started) / 1000;
    const total = sent.reduce((sum, n) => sum + n, 0);
    expect(total).toBe(users * 2 * 60);

    const metrics = await scrapeMetrics(gateway.url);
    const held = sampleValue(metrics, 'switchboard_memory_history_bytes') ?? Infinity;
    const trimmed = sampleValue(metrics, 'switchboard_memory_history_trimmed_total', { kind: 'publication' });
    const heapAfter = heapUsed();
    console.info(
      `memory, HISTORY_MAX_BYTES 1 MiB: ${total} chat.send of 3.9 KB from ${users} users on ${users * 2} ` +
        `connections in ${seconds.toFixed(1)} s (${((total * 3.9) / 1024).toFixed(1)} MB sent); held ${(held / MIB).toFixed(2)} MiB, ` +
        `${trimmed} publications trimmed; heap of the test process ${(heapBefore / MIB).toFixed(0)} → ` +
        `${(heapAfter / MIB).toFixed(0)} MB`,
    );
    expect(held).toBeLessThanOrEqual(MIB);
    expect(memoryLog(gateway).bytes).toBe(held);
    expect(trimmed).toBeGreaterThan(0);

    // The oldest publications went first: the old channel's, while its stream stays as it was.
    const reader = await pool.connect(gateway.token({ sub: 'budget-reader', channels: ['chat:*'] }));
    const resumed = await commandOk(reader, 'subscribe', {
      channel: old,
      since: { offset: 1, epoch: top.epoch },
    });
    expect(resumed).toEqual({ channel: old, offset: 3, epoch: top.epoch, recovered: false });
    const atTop = await commandOk(reader, 'subscribe', {
      channel: old,
      since: { offset: 3, epoch: top.epoch },
    });
    expect(atTop).toMatchObject({ offset: 3, epoch: top.epoch, recovered: true, publications: [] });
    expect((await publish(gateway, old, 'note', { n: 3 })).offset).toBe(4);
  });
});

describe('a remembered idempotency key costs a few hundred bytes, whatever the payload', () => {
  const KEYS = 1000;
  const payload = 'x'.repeat(32 * 1024);
  const batches = (channel: string, first: number) =>
    Array.from({ length: 10 }, (_, b) => ({
      publications: Array.from({ length: 100 }, (_, i) => ({
        channel,
        event: 'big',
        data: payload,
        idempotencyKey: `key-${first + b * 100 + i}`,
      })),
    }));

  it('memory: heap and accounted bytes per key after the history is trimmed', async () => {
    const gateway = await startGateway({ HISTORY_SIZE: '1', MAX_PAYLOAD_BYTES: String(4 * MIB) });
    try {
      const token = serviceToken(gateway);
      // Warm up (code paths, pools) with other keys before measuring.
      for (const body of batches('public:keys-warm', 0).slice(0, 2)) {
        await request(gateway.url, 'POST', '/api/v1/publish/batch', { token, body });
      }
      const log = memoryLog(gateway);
      const bytesBefore = log.bytes;
      const heapBefore = heapUsed();
      for (const body of batches('public:keys', 0)) {
        const response = await request(gateway.url, 'POST', '/api/v1/publish/batch', { token, body });
        expect(response.status).toBe(200);
      }
      const heapPerKey = (heapUsed() - heapBefore) / KEYS;
      const bytesPerKey = (log.bytes - bytesBefore - 33 * 1024) / KEYS;
      console.info(
        `memory: ${KEYS} keyed 32 KB publishes, history of 1: +${heapPerKey.toFixed(0)} B of heap and ` +
          `${bytesPerKey.toFixed(0)} B counted per remembered key`,
      );
      expect(bytesPerKey).toBeLessThan(400);
      // A record holding the payload would cost 32 KB and more of heap per key.
      expect(heapPerKey).toBeLessThan(2048);
      // And the keys still replay.
      const again = await request<{ results: { replayed?: true }[] }>(
        gateway.url,
        'POST',
        '/api/v1/publish/batch',
        {
          token,
          body: batches('public:keys', 0)[0],
        },
      );
      expect(again.body.results.every((result) => result.replayed)).toBe(true);
    } finally {
      await gateway.close();
    }
  });

  it('redis: MEMORY USAGE of a key after a 32 KB publish', async () => {
    const redis = await PrivateRedis.start();
    const assertions = new Redis(redis.url);
    const gateway = await startGateway({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'keys:' });
    try {
      await request(gateway.url, 'POST', '/api/v1/publish', {
        token: serviceToken(gateway),
        headers: { 'idempotency-key': 'big-1' },
        body: { channel: 'public:keys', event: 'big', data: payload },
      });
      const key = 'keys:{c:public:keys}:idem:api:big-1';
      const usage = Number(await assertions.call('MEMORY', 'USAGE', key));
      const log = Number(await assertions.call('MEMORY', 'USAGE', 'keys:{c:public:keys}:log'));
      console.info(
        `redis: MEMORY USAGE of an idempotency key after a 32 KB publish: ${usage} B (the history entry: ${log} B)`,
      );
      expect(usage).toBeGreaterThan(0);
      expect(usage).toBeLessThan(400);
      expect(log).toBeGreaterThan(32 * 1024);
    } finally {
      await gateway.close();
      assertions.disconnect();
      await redis.destroy();
    }
  });
});
