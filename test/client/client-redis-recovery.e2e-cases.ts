import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { SwitchboardClient } from '@switchboard/client';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { freePort } from '../support/global-setup.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';
import { nextEvent, publish, Received, startGatewayOn } from './support/client-harness.js';

describe('client SDK on Redis: publications made while its server was down are recovered', () => {
  const prefix = uniquePrefix('client-recovery');
  const redis = new Redis(testRedisUrl(), { lazyConnect: true }); // connected by its first command
  const env = { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: prefix };
  const gateways: RunningGateway[] = [];
  let client: SwitchboardClient | undefined;

  afterAll(async () => {
    await client?.close();
    for (const gateway of gateways) await gateway.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('restarting on the same port: recovered in order, once each, without resync', async () => {
    const port = await freePort();
    const first = await startGatewayOn(port, { ...env, INSTANCE_ID: 'client-a' });
    const other = await startGateway({ ...env, INSTANCE_ID: 'client-b' });
    gateways.push(other);
    client = new SwitchboardClient(first.url, {
      token: () => other.token({ sub: 'alice' }),
      transports: ['websocket'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 400,
    });
    const resyncs = jest.fn();
    client.on('resync', resyncs);
    await client.connect();
    const received = new Received<{ n: number }>();
    const subscription = client.subscribe('public:outage', received.handler);
    const ack = await subscription.ready;
    await publish(other, 'public:outage', 'tick', { n: 1 });
    await received.until(1);

    const down = nextEvent(client, 'disconnect');
    await first.close();
    await down;
    // The other instance keeps publishing into the shared history while ours is gone.
    for (let n = 2; n <= 4; n++) await publish(other, 'public:outage', 'tick', { n });

    const back = nextEvent(client, 'connect', { timeoutMs: 20_000 });
    gateways.push(await startGatewayOn(port, { ...env, INSTANCE_ID: 'client-a2' }));
    expect(await back).toMatchObject({ reconnects: 1 });
    await received.until(4);
    await publish(other, 'public:outage', 'tick', { n: 5 });
    await received.until(5);

    expect(received.publications.map((p) => p.data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(received.offsets).toEqual([1, 2, 3, 4, 5].map((n) => ack.offset + n));
    expect(new Set(received.publications.map((p) => p.epoch))).toEqual(new Set([ack.epoch]));
    expect(resyncs).not.toHaveBeenCalled();
  });
});
