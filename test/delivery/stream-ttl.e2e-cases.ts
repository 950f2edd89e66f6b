import { request } from '../support/http.js';
import { publish, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { commandOk, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { channelKey, startStores, type StoreKind, type Stores } from './support/stores.js';

interface Publication {
  offset: number;
  epoch: string;
  data: unknown;
}
interface Subscribed {
  channel: string;
  offset: number;
  epoch: string;
  recovered?: boolean;
  publications?: Publication[];
}
interface History {
  offset: number;
  epoch: string;
  publications: Publication[];
}

/** REST history; no event announces a TTL passing, so tests poll this until the store shows it. */
async function history(stores: Stores, channel: string): Promise<History> {
  const response = await request<History>(
    stores.publisher.url,
    'GET',
    `/api/v1/channels/${channel}/history`,
    {
      token: serviceToken(stores.publisher),
    },
  );
  if (response.status !== 200) throw new Error(`history answered ${response.status}`);
  return response.body;
}

describe.each<StoreKind>(['memory', 'redis'])(
  '%s: a stream outlives its history (STREAM_TTL_SECONDS)',
  (kind) => {
    let stores: Stores;
    const pool = new SocketPool(() => stores.subscriber.url);

    beforeAll(async () => {
      stores = await startStores(kind, 'stream-ttl', { HISTORY_TTL_SECONDS: '1' });
    });
    afterEach(() => pool.closeAll());
    afterAll(() => stores.stop());

    it('recovers a client at the top with nothing after the history expired, and keeps the epoch', async () => {
      const channel = 'public:quiet-room';
      const socket = await pool.connect(stores.subscriber.token({ sub: 'quiet' }));
      await commandOk(socket, 'subscribe', { channel });
      await publish(stores.publisher, channel, 'room.said', { n: 1 });
      const arrived = waitForEvent<Publication>(socket, 'room.said', { filter: (p) => p.offset === 2 });
      const last = await publish(stores.publisher, channel, 'room.said', { n: 2 });
      await arrived;
      socket.close();

      const expired = await eventually(
        async () => {
          const page = await history(stores, channel);
          return page.publications.length === 0 && page;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: 'the history to expire' },
      );
      expect(expired).toMatchObject({ offset: 2, epoch: last.epoch });

      const again = await pool.connect(stores.subscriber.token({ sub: 'quiet' }));
      const atTop = await commandOk<Subscribed>(again, 'subscribe', {
        channel,
        since: { offset: 2, epoch: last.epoch },
      });
      expect(atTop).toEqual({ channel, offset: 2, epoch: last.epoch, recovered: true, publications: [] });

      // Behind the top, what was missed is gone: the client must reload.
      await commandOk(again, 'unsubscribe', { channel });
      const behind = await commandOk<Subscribed>(again, 'subscribe', {
        channel,
        since: { offset: 1, epoch: last.epoch },
      });
      expect(behind).toEqual({ channel, offset: 2, epoch: last.epoch, recovered: false });

      const live = waitForEvent<Publication>(again, 'room.said');
      const next = await publish(stores.publisher, channel, 'room.said', { n: 3 });
      expect(next).toMatchObject({ offset: 3, epoch: last.epoch });
      expect(await live).toMatchObject({ offset: 3, epoch: last.epoch, data: { n: 3 } });
    });
  },
);

describe('redis: the keys of a stream', () => {
  let stores: Stores;
  beforeAll(async () => {
    stores = await startStores('redis', 'stream-keys', { HISTORY_TTL_SECONDS: '1' });
  });
  afterAll(() => stores.stop());

  it('gives the top the stream TTL and the history the history TTL', async () => {
    const redis = stores.redis!;
    const prefix = stores.prefix!;
    const channel = 'public:ttl-keys';
    await publish(stores.publisher, channel, 'room.said', null);
    const topTtl = await redis.pttl(channelKey(prefix, channel, 'top'));
    const logTtl = await redis.pttl(channelKey(prefix, channel, 'log'));
    expect(topTtl).toBeGreaterThan(2_592_000_000 - 60_000);
    expect(logTtl).toBeGreaterThan(0);
    expect(logTtl).toBeLessThanOrEqual(1000);
  });
});

describe.each<StoreKind>(['memory', 'redis'])('%s: a lost stream starts a new epoch', (kind) => {
  let stores: Stores;
  const pool = new SocketPool(() => stores.subscriber.url);

  beforeAll(async () => {
    stores = await startStores(kind, 'stream-lost', { HISTORY_TTL_SECONDS: '1', STREAM_TTL_SECONDS: '2' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => stores.stop());

  it('once STREAM_TTL_SECONDS passed without a publication: offsets from 1 in the epoch the top announced', async () => {
    const channel = 'public:forgotten';
    const first = await publish(stores.publisher, channel, 'room.said', null);
    const announced = await eventually(
      async () => {
        const page = await history(stores, channel);
        return page.epoch !== first.epoch && page;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the stream to expire' },
    );
    expect(announced).toMatchObject({ offset: 0, publications: [] });

    const socket = await pool.connect(stores.subscriber.token({ sub: 'late' }));
    const stale = await commandOk<Subscribed>(socket, 'subscribe', {
      channel,
      since: { offset: first.offset, epoch: first.epoch },
    });
    expect(stale).toEqual({ channel, offset: 0, epoch: announced.epoch, recovered: false });
    const live = waitForEvent<Publication>(socket, 'room.said');
    expect(await publish(stores.publisher, channel, 'room.said', null)).toMatchObject({
      offset: 1,
      epoch: announced.epoch,
    });
    expect(await live).toMatchObject({ offset: 1, epoch: announced.epoch });
  });
});
