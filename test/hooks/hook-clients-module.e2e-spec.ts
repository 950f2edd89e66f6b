import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { verifyWebhook } from '@switchboard/client/publisher';
import { AppConfigModule } from '../../src/config/config.module.js';
import { BackendNamespaces } from '../../src/hooks/backend-namespaces.js';
import {
  CHANNEL_CHANGE_SINK,
  type ChannelChangeSink,
} from '../../src/core/stores/channel-changes/channel-change-sink.js';
import { HookClientsModule } from '../../src/hooks/hook-clients.module.js';
import { GatewayMetrics } from '../../src/metrics/gateway-metrics.js';
import { MetricsModule } from '../../src/metrics/metrics.module.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';
import { Redis } from 'ioredis';
import { eventually } from '../support/wait.js';
import { RecordingServer } from './support/recording-server.js';

const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

async function startHooks(env: Record<string, string>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppConfigModule.forRoot({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }),
      MetricsModule,
      HookClientsModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

/** The value of the one series of `name` whose labels include `labels` (the `instance` label aside). */
async function metric(app: INestApplication, name: string, labels: string[] = []): Promise<number> {
  const text = await app.get(GatewayMetrics).registry.metrics();
  const lines = text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && labels.every((label) => line.includes(label)));
  if (lines.length !== 1) throw new Error(`${lines.length} series of ${name} with ${labels.join(',')}`);
  return Number(lines[0]?.split(' ').at(-1));
}

/** The module as the core uses it, on the configuration the environment gives. */
describe('HookClientsModule', () => {
  let receiver: RecordingServer;

  beforeAll(async () => {
    receiver = await RecordingServer.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it('gives a sink that produces nothing, and no namespaces, when hooks are not configured', async () => {
    const app = await startHooks({});
    try {
      const sink = app.get<ChannelChangeSink>(CHANNEL_CHANGE_SINK);
      expect(sink.wants('channel.occupied')).toBe(false);
      sink.enqueue('chat:x', { type: 'channel.occupied' });
      expect(app.get(BackendNamespaces).all()).toEqual([]);
      expect(await metric(app, 'switchboard_webhook_queue_depth')).toBe(0);
    } finally {
      await app.close();
    }
  });

  it.each(['memory', 'redis'])(
    'delivers what the core enqueues, signed, and counts it (%s)',
    async (kind) => {
      const prefix = uniquePrefix('hooks-module');
      const app = await startHooks({
        HOOKS_SECRET: SECRET,
        WEBHOOK_URL: `${receiver.url}/in`,
        WEBHOOK_EVENTS: 'channel.occupied,channel.vacated',
        ...(kind === 'redis' && { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix }),
      });
      const before = receiver.requests.length;
      try {
        const sink = app.get<ChannelChangeSink>(CHANNEL_CHANGE_SINK);
        expect([sink.wants('channel.vacated'), sink.wants('presence.joined')]).toEqual([true, false]);
        sink.enqueue('public:m', { type: 'channel.occupied' });
        sink.enqueue('public:m', { type: 'presence.joined', userId: 'u' });
        const [request] = (await receiver.received(before + 1)).slice(before);
        const body = await verifyWebhook(SECRET, request?.headers ?? {}, request?.body ?? '');
        expect(body.events).toEqual([
          { seq: 1, type: 'channel.occupied', channel: 'public:m', ts: expect.any(Number) },
        ]);
        // Counted once the 2xx is back at the gateway, just after the receiver answered.
        await eventually(
          async () => (await metric(app, 'switchboard_webhook_requests_total', ['result="ok"'])) === 1,
          { what: 'the acknowledged request to be counted' },
        );
        expect(await metric(app, 'switchboard_webhook_delivery_lag_seconds_count')).toBe(1);
        expect(await metric(app, 'switchboard_webhook_queue_depth')).toBe(0);
      } finally {
        await app.close();
        if (kind === 'redis') {
          const redis = new Redis(testRedisUrl());
          await deleteKeys(redis, prefix);
          redis.disconnect();
        }
      }
    },
  );

  it('asks the backends of NAMESPACES_FILE and counts the calls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-hooks-'));
    const file = join(dir, 'namespaces.json');
    writeFileSync(
      file,
      JSON.stringify({ namespaces: { orders: { subscribe: `${receiver.url}/subscribe` } } }),
    );
    receiver.respond = () => ({ status: 200, body: '{"allow":false,"reason":"closed"}' });
    const app = await startHooks({ HOOKS_SECRET: SECRET, NAMESPACES_FILE: file, PROXY_TIMEOUT_MS: '2000' });
    try {
      const namespaces = app.get(BackendNamespaces);
      const spec = namespaces.get('orders');
      expect(spec).toBeDefined();
      expect(namespaces.clashWith(['chat', 'orders'])).toMatch(/"orders" is already taken/);
      const user = { userId: 'u', roles: [], channels: [] };
      await expect(namespaces.decideSubscribe(spec!, 'orders:1', user)).resolves.toEqual({
        kind: 'deny',
        reason: 'closed',
      });
      expect(await metric(app, 'switchboard_proxy_calls_total', ['kind="subscribe"', 'result="deny"'])).toBe(
        1,
      );
      expect(await metric(app, 'switchboard_proxy_call_seconds_count', ['kind="subscribe"'])).toBe(1);
    } finally {
      receiver.respond = () => ({ status: 200, body: '{}' });
      await app.close();
    }
  });
});
