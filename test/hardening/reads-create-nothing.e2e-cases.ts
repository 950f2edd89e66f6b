import type { MemoryChannelLog } from '../../src/core/stores/channel-log/memory-channel.log.js';
import { STORE_BACKEND, type StoreBackend } from '../../src/core/stores/store-backend.js';
import { ControlApi } from '../support/control.js';
import { request } from '../support/http.js';
import { scrapeMetrics, sampleValue } from '../support/metrics.js';
import { publish, serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { commandOk } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { PrivateRedis } from '../redis/support/redis-server.js';
import { startStores, type StoreKind, type Stores } from '../delivery/support/stores.js';

/**
 * Issue 17, item 3: reads create nothing (contract v3 §6). A history, presence or channel
 * read, or a `subscribe`, of a channel never published created a stream: in memory it counted
 * against the cap of remembered streams (100,050 reads by one user evicted an offline user's
 * notification stream), in Redis it left a 30-day `:top` key per name (20,000 in 12.7 s).
 * Now nothing is stored, and the answer still carries the epoch the first publication gets.
 */
interface Top {
  offset: number;
  epoch: string;
  recovered?: boolean;
}
/** How many fresh names each kind of read touches. */
const READS = 60;

describe.each<StoreKind>(['memory', 'redis'])('%s: reads and subscriptions create no stream', (kind) => {
  let redis: PrivateRedis | undefined;
  let stores: Stores;
  const pool = new SocketPool(() => stores.subscriber.url);
  beforeAll(async () => {
    if (kind === 'redis') redis = await PrivateRedis.start();
    // A burst large enough for the subscribes of one test.
    stores = await startStores(kind, 'reads', { RATE_LIMIT_BURST: '200' }, redis?.url);
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await stores.stop();
    await redis?.destroy();
  });

  /** Memory: the streams the log holds. Redis: the channel keys under the prefix (SCAN). */
  async function streamState(): Promise<string[]> {
    if (kind === 'memory') {
      const log = stores.publisher.app.get<StoreBackend>(STORE_BACKEND).log as MemoryChannelLog;
      const gauge = sampleValue(await scrapeMetrics(stores.publisher.url), 'switchboard_memory_streams');
      expect(gauge).toBe(log.size);
      return Array.from({ length: log.size }, (_, n) => `stream ${n}`);
    }
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await stores.redis!.scan(cursor, 'MATCH', `${stores.prefix}{c:*`, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return keys.sort();
  }

  it('history, presence and channel reads and subscribes of fresh names leave nothing behind', async () => {
    const before = await streamState();
    const user = stores.subscriber.token({ sub: 'reader', channels: ['chat:*'] });
    const epochs = new Set<string>();
    const reads: Promise<unknown>[] = [];
    for (let n = 0; n < READS; n++) {
      reads.push(
        request<Top>(stores.subscriber.url, 'GET', `/api/v1/channels/public:fresh-h${n}/history`, {
          token: user,
        }).then(({ body }) => epochs.add(body.epoch)),
        request(stores.subscriber.url, 'GET', `/api/v1/channels/chat:fresh-p${n}/presence`, { token: user }),
        new ControlApi(stores.publisher)
          .channel(`public:fresh-c${n}`)
          .then(({ body }) => epochs.add(body.epoch)),
      );
    }
    await Promise.all(reads);
    const socket = await pool.connect(user);
    for (let n = 0; n < READS; n++) {
      const answer = await commandOk<Top>(socket, 'subscribe', { channel: `chat:fresh-s${n}` });
      expect(answer.offset).toBe(0);
      epochs.add(answer.epoch);
    }
    // With `since` at the top of an empty channel: recovered, with nothing.
    const [pending] = [...epochs];
    const resumed = await commandOk<Top>(socket, 'subscribe', {
      channel: 'public:fresh-resume',
      since: { offset: 0, epoch: pending },
    });
    expect(resumed).toMatchObject({ offset: 0, epoch: pending, recovered: true, publications: [] });
    pool.closeAll();
    // One epoch for every empty channel: the deployment's pending epoch.
    expect(epochs.size).toBe(1);
    // What the live subscriptions held (occupancy, presence) left with them, settled by the
    // server after the client saw its disconnect: nothing announces it, so poll.
    const same = async () => JSON.stringify(await streamState()) === JSON.stringify(before);
    await eventually(same, { what: 'the subscriptions to be released', timeoutMs: 10_000 });

    // The first publication of such a channel carries the epoch the reads answered.
    const first = await publish(stores.publisher, 'public:fresh-h0', 'news', { n: 1 });
    expect(first).toMatchObject({ offset: 1, epoch: pending });
    const published = await streamState();
    expect(published.length).toBeGreaterThan(before.length);
    console.info(
      `${kind}: ${4 * READS + 1} reads and subscribes of fresh names left ${before.length} stream entries ` +
        `(${kind === 'memory' ? 'streams' : 'channel keys'}) as they were; one publication added ${published.length - before.length}`,
    );
  });

  it("an offline user's notification stream survives reads of 1,000 other fresh channels", async () => {
    const sent = await request<{ channel: string; offset: number }>(
      stores.publisher.url,
      'POST',
      '/api/v1/notifications',
      { token: serviceToken(stores.publisher), body: { userId: 'offline-ann', title: 'Keep me' } },
    );
    expect(sent.status).toBe(201);
    const top = (await new ControlApi(stores.publisher).channel('user:offline-ann')).body;
    const before = await streamState();
    const user = stores.subscriber.token({ sub: 'flooder' });
    for (let start = 0; start < 1000; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, n) =>
          request(stores.subscriber.url, 'GET', `/api/v1/channels/public:other-${start + n}/history`, {
            token: user,
          }),
        ),
      );
    }
    const after = await streamState();
    // Memory: the same streams. Redis: no key of those names (other keys may settle meanwhile).
    if (kind === 'memory') expect(after).toEqual(before);
    else expect(after.filter((key) => key.includes(':other-'))).toEqual([]);
    const socket = await pool.connect(stores.subscriber.token({ sub: 'offline-ann' }));
    const answer = await commandOk<Top & { publications: { data: { title: string } }[] }>(
      socket,
      'subscribe',
      {
        channel: 'user:offline-ann',
        since: { offset: 0, epoch: top.epoch },
      },
    );
    expect(answer).toMatchObject({ offset: top.offset, epoch: top.epoch, recovered: true });
    expect(answer.publications.map((p) => p.data.title)).toEqual(['Keep me']);
  });
});
