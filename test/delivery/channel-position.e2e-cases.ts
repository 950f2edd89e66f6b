import { SwitchboardClient, type ResyncEvent } from '@switchboard/client';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, commandOk, connect, waitForEvent, type ClientSocket } from '../support/socket.js';
import { PrivateRedis } from '../redis/support/redis-server.js';
import { Received } from '../client/support/client-harness.js';
import { channelKey, startStores, type StoreKind, type Stores } from './support/stores.js';

interface PositionEvent {
  channel: string;
  event: string;
  data: { offset: number; epoch: string };
  ts: number;
}
interface Publication {
  offset: number;
  epoch: string;
  data: unknown;
}

describe.each<StoreKind>(['memory', 'redis'])('%s: channel.position', (kind) => {
  let stores: Stores;
  const pool = new SocketPool(() => stores.subscriber.url);

  beforeAll(async () => {
    stores = await startStores(kind, 'position', { POSITION_INTERVAL_SECONDS: '1' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => stores.stop());

  const positionOf = (
    socket: ClientSocket,
    channel: string,
    filter: (p: PositionEvent) => boolean = () => true,
  ) =>
    waitForEvent<PositionEvent>(socket, 'channel.position', {
      timeoutMs: 10_000,
      filter: (p) => p.channel === channel && filter(p),
    });

  it("tells each subscriber its channels' tops as stored, every interval, once per instance", async () => {
    const channel = 'public:positions';
    const socket = await pool.connect(stores.subscriber.token({ sub: 'pos' }));
    const top = await commandOk<{ offset: number; epoch: string }>(socket, 'subscribe', { channel });
    const first = await positionOf(socket, channel);
    expect(first).toEqual({
      channel,
      event: 'channel.position',
      data: { offset: top.offset, epoch: top.epoch },
      ts: expect.any(Number),
    });

    const published = await publish(stores.publisher, channel, 'pos.event', null);
    const moved = await positionOf(socket, channel, (p) => p.data.offset === published.offset);
    expect(moved.data).toEqual({ offset: published.offset, epoch: published.epoch });

    // The personal channel has history too; a channel not subscribed is never announced.
    const personal = await positionOf(socket, 'user:pos');
    expect(personal.data.offset).toBe(0);
    const all = collect<PositionEvent>(socket, 'channel.position');
    await positionOf(socket, channel);
    await positionOf(socket, channel);
    expect(all.every((p) => p.channel === channel || p.channel === 'user:pos')).toBe(true);
    // One per channel per interval: the other instance never adds its own copy.
    const perRound = all.filter((p) => p.channel === channel).map((p) => p.ts);
    expect(new Set(perRound).size).toBe(perRound.length);
  });

  it('stops when the subscriber unsubscribes', async () => {
    const channel = 'public:positions-gone';
    const socket = await pool.connect(stores.subscriber.token({ sub: 'gone' }));
    await commandOk(socket, 'subscribe', { channel });
    await positionOf(socket, channel);
    await commandOk(socket, 'unsubscribe', { channel });
    const after = collect<PositionEvent>(socket, 'channel.position');
    // Two rounds of the personal channel prove two intervals passed.
    await positionOf(socket, 'user:gone');
    await positionOf(socket, 'user:gone');
    expect(after.filter((p) => p.channel === channel)).toEqual([]);
  });
});

describe('redis: a lost stream is noticed within one position interval', () => {
  let stores: Stores;
  const clients: SwitchboardClient[] = [];

  beforeAll(async () => {
    stores = await startStores('redis', 'position-flush', { POSITION_INTERVAL_SECONDS: '1' });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await stores.stop();
  });

  it("raises resync on the SDK when the channel's stream is gone (keys flushed), with no publication", async () => {
    const channel = 'public:flushed';
    const { subscriber } = stores;
    const client = new SwitchboardClient(subscriber.url, {
      token: subscriber.token({ sub: 'f' }),
      transports: ['websocket'],
    });
    clients.push(client);
    await client.connect();
    const received = new Received();
    const subscription = client.subscribe(channel, received.handler);
    await subscription.ready;
    await publish(stores.publisher, channel, 'f.event', null);
    await received.until(1);
    const resync = new Promise<ResyncEvent>((resolve) => subscription.once('resync', resolve));
    // A flush loses the pending epoch with the stream (see stream-rules.ts), so the stream's
    // next life, announced as offset 0, is in another epoch.
    await stores.redis!.del(
      channelKey(stores.prefix!, channel, 'top'),
      channelKey(stores.prefix!, channel, 'log'),
      `${stores.prefix!}epoch:pending`,
    );
    const event = await resync;
    expect(event.previous).toEqual({ offset: 1, epoch: received.publications[0]?.epoch });
    expect(event.current.offset).toBe(0);
    expect(event.current.epoch).not.toBe(received.publications[0]?.epoch);
  });
});

/**
 * The proof of issue 10: a live delivery lost on one instance, with no later publication.
 * A private Redis with a tiny pub/sub output buffer disconnects the instance's feed
 * subscriber when one large publication goes out (as a real output-buffer overflow does), so
 * that publication never reaches the instance live. Only `channel.position` can reveal it.
 */
describe('redis: a lost live delivery is recovered within one position interval', () => {
  let redis: PrivateRedis;
  let a: RunningGateway;
  let b: RunningGateway;
  const clients: SwitchboardClient[] = [];
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start(['--client-output-buffer-limit', 'pubsub', '16kb', '0', '0']);
    const env = {
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 't-position-loss:',
      POSITION_INTERVAL_SECONDS: '1',
    };
    a = await startGateway({ ...env, INSTANCE_ID: 'position-loss-a' });
    b = await startGateway({ ...env, INSTANCE_ID: 'position-loss-b' });
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    for (const socket of sockets) socket.close();
    await a?.close();
    await b?.close();
    await redis?.destroy();
  });

  it('an SDK client on the instance that missed it ends with every offset, no resync', async () => {
    const channel = 'public:lossy';
    const client = new SwitchboardClient(b.url, {
      token: b.token({ sub: 'sdk' }),
      transports: ['websocket'],
    });
    clients.push(client);
    await client.connect();
    const received = new Received<{ n: number; pad?: string }>();
    const resyncs: ResyncEvent[] = [];
    client.on('resync', (event) => resyncs.push(event));
    await client.subscribe(channel, received.handler).ready;
    // A plain socket beside it, in the same room of the same instance, without any recovery:
    // what it misses was not delivered live.
    const plain = await connect(b.url, b.token({ sub: 'plain' }));
    sockets.push(plain);
    await commandOk(plain, 'subscribe', { channel });
    const plainSeen = collect<Publication>(plain, 'lossy.event');

    const small = waitForEvent<Publication>(plain, 'lossy.event');
    await publish(a, channel, 'lossy.event', { n: 1 });
    await small;
    await received.until(1);

    // Over the 16 kB pub/sub limit: Redis drops instance b's feed connection instead of sending it.
    await publish(a, channel, 'lossy.event', { n: 2, pad: 'x'.repeat(40_000) });
    await received.until(2, 10_000);

    expect(received.offsets).toEqual([1, 2]);
    expect(received.publications[1]?.data.n).toBe(2);
    expect(resyncs).toEqual([]);
    expect(plainSeen.map((p) => p.offset)).toEqual([1]);
  });
});
