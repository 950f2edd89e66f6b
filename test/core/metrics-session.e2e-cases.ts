import { readFileSync } from 'node:fs';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { sampleSum, sampleValue, scrapeMetrics } from '../support/metrics.js';
import { publish, serviceToken } from '../support/publisher.js';
import { RawPolling } from '../support/raw-engine.js';
import { SocketPool } from '../support/socket-pool.js';
import { type AckResponse, command, commandOk, disconnected, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';

const INSTANCE = 'metrics-session';
/** Small limits, so that one of each refusal is cheap and exact. */
const MAX_PAYLOAD_BYTES = 16_384;
const MAX_BUFFERED_BYTES = 4096;
const RATE_LIMIT_BURST = 8;
/** Over MAX_PAYLOAD_BYTES on every path (WebSocket frame, polling POST, REST body). */
const TOO_BIG = 'x'.repeat(20_000);
/** One publication over MAX_BUFFERED_BYTES: the second one queued to a client that never polls cuts it. */
const OVER_BUFFER = 'y'.repeat(4500);

type Labels = Record<string, string>;

/** A payload nested `levels` deep. */
function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/**
 * Issue 12: a scripted session (connects, an upgrade, subscribes, publications, recoveries,
 * idempotent replays, batches, refused payloads, a rate limit and a slow consumer) moves every
 * operations series by exactly what it did, read from `/metrics` before and after.
 */
describe('operations metrics after a scripted session (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({
      INSTANCE_ID: INSTANCE,
      MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
      MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES),
      RATE_LIMIT_PER_SECOND: '1',
      RATE_LIMIT_BURST: String(RATE_LIMIT_BURST),
      // No channel.position rounds: nothing but the script sends packets.
      POSITION_INTERVAL_SECONDS: '0',
    });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('moves each series by exactly the expected amount', async () => {
    const before = await scrapeMetrics(gateway.url);
    const service = serviceToken(gateway);

    // An upgrade: polling first, then WebSocket.
    const alice = await pool.connect(gateway.token({ sub: 'alice' }), {
      transports: ['polling', 'websocket'],
    });
    if (alice.io.engine.transport.name !== 'websocket') {
      await new Promise((resolve) => alice.io.engine.once('upgrade', resolve));
    }
    const bob = await pool.connect(gateway.token({ sub: 'bob', channels: ['chat:*'] }));
    const carol = await pool.connect(gateway.token({ sub: 'carol' }));
    const dave = await pool.connect(gateway.token({ sub: 'dave' }));
    const frank = await pool.connect(gateway.token({ sub: 'frank' }));

    await commandOk(alice, 'subscribe', { channel: 'public:ms' });
    await commandOk(bob, 'subscribe', { channel: 'chat:ms' });

    // Three publications to alice alone.
    let top = { offset: 0, epoch: '' };
    for (let n = 1; n <= 3; n++) {
      const arrived = waitForEvent(alice, 'ms.note', { filter: (p) => p['data'] === n });
      top = await publish(gateway, 'public:ms', 'ms.note', n);
      await arrived;
    }

    // A REST publish with an Idempotency-Key, then its replay (stores and delivers nothing).
    for (const replayed of [false, true]) {
      const delivered = replayed ? undefined : waitForEvent(bob, 'ms.note');
      const response = await request(gateway.url, 'POST', '/api/v1/publish', {
        token: service,
        body: { channel: 'chat:ms', event: 'ms.note', data: 'once' },
        headers: { 'Idempotency-Key': 'ms-rest-1' },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('idempotent-replayed')).toBe(replayed ? 'true' : null);
      await delivered;
    }

    // chat.send with a clientId, then its retry.
    const sent = await commandOk(bob, 'chat.send', { room: 'ms', text: 'hello', clientId: 'c-1' });
    expect(await commandOk(bob, 'chat.send', { room: 'ms', text: 'hello', clientId: 'c-1' })).toEqual(sent);

    // Resumes: behind the top (recovered, a lag), at the top (recovered), another epoch (not recovered).
    const behind = await commandOk<{ recovered: boolean; publications: unknown[] }>(carol, 'subscribe', {
      channel: 'public:ms',
      since: { epoch: top.epoch, offset: 1 },
    });
    expect(behind).toMatchObject({ recovered: true, publications: [{ offset: 2 }, { offset: 3 }] });
    expect(
      await commandOk(carol, 'subscribe', { channel: 'public:ms', since: { epoch: top.epoch, offset: 3 } }),
    ).toMatchObject({ recovered: true, publications: [] });
    expect(
      await commandOk(carol, 'subscribe', { channel: 'public:ms-gone', since: { epoch: 'nope', offset: 5 } }),
    ).toMatchObject({ recovered: false });

    // Refused payloads: too deep (a command), too big on a WebSocket, on polling and on REST.
    const deep = await command(bob, 'subscribe', nested(33));
    expect(deep).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const daveGone = disconnected(dave);
    dave.emit('subscribe', { channel: `public:${TOO_BIG}` });
    expect(await daveGone).toBe('transport close');
    const eve = await RawPolling.open(gateway.url);
    expect((await eve.post(`4${TOO_BIG}`)).status).toBe(413);
    const rest = await request(gateway.url, 'POST', '/api/v1/publish', {
      token: service,
      body: { channel: 'public:ms', event: 'ms.big', data: TOO_BIG },
    });
    expect(rest.status).toBe(413);

    // A burst over the rate limit: every refusal is one RATE_LIMITED answer.
    const answers = await Promise.all(
      Array.from({ length: RATE_LIMIT_BURST + 4 }, () =>
        command(frank, 'unsubscribe', { channel: 'public:nothing' }),
      ),
    );
    const rateLimited = answers.filter((a: AckResponse) => !a.ok && a.error.code === 'RATE_LIMITED').length;
    expect(rateLimited).toBeGreaterThanOrEqual(1);

    // A slow consumer: a polling client that never polls, sent two publications in one batch.
    const gina = await RawPolling.open(gateway.url);
    await gina.post(`40${JSON.stringify({ token: gateway.token({ sub: 'gina' }) })}`);
    expect((await gina.poll()).frames[0]).toMatch(/^40\{"sid":/);
    await gina.post(`421${JSON.stringify(['subscribe', { channel: 'public:slow' }])}`);
    expect((await gina.poll()).frames[0]).toMatch(/^431\[\{"ok":true/);
    const batch = (publications: object[]) =>
      request<{ results: object[] }>(gateway.url, 'POST', '/api/v1/publish/batch', {
        token: service,
        body: { publications },
      });
    const slow = { channel: 'public:slow', event: 'ms.big', data: OVER_BUFFER };
    expect((await batch([slow, slow])).status).toBe(200);
    // Batches with a keyed item, the second one a replay; delivered to alice and carol.
    const keyed = { channel: 'public:ms', event: 'ms.note', data: 'batched', idempotencyKey: 'ms-batch-1' };
    const toAlice = waitForEvent(alice, 'ms.note', { filter: (p) => p['data'] === 'batched' });
    const toCarol = waitForEvent(carol, 'ms.note', { filter: (p) => p['data'] === 'batched' });
    expect((await batch([keyed])).status).toBe(200);
    await Promise.all([toAlice, toCarol]);
    expect((await batch([keyed])).body.results).toEqual([
      expect.objectContaining({ offset: top.offset + 1 }),
    ]);

    pool.closeAll();
    // Closes reach the server after the clients' calls return: wait for the last of them.
    const after = await eventually(
      async () => {
        const text = await scrapeMetrics(gateway.url);
        const closed = { transport: 'websocket', reason: 'client namespace disconnect' };
        return sampleValue(text, 'switchboard_disconnects_total', closed) ===
          (sampleValue(before, 'switchboard_disconnects_total', closed) ?? 0) + 4 &&
          sampleValue(text, 'switchboard_connections', { transport: 'websocket' }) === 0
          ? text
          : undefined;
      },
      { what: 'every client close to be counted' },
    );

    const delta = (name: string, labels: Labels = {}): number =>
      sampleSum(after, name, { instance: INSTANCE, ...labels }) -
      sampleSum(before, name, { instance: INSTANCE, ...labels });
    const moved = {
      connects: [
        delta('switchboard_connects_total', { transport: 'polling' }),
        delta('switchboard_connects_total', { transport: 'websocket' }),
      ],
      upgrades: delta('switchboard_transport_upgrades_total'),
      disconnects: {
        closed: delta('switchboard_disconnects_total', {
          transport: 'websocket',
          reason: 'client namespace disconnect',
        }),
        tooBig: delta('switchboard_disconnects_total', { transport: 'websocket', reason: 'transport error' }),
        slow: delta('switchboard_disconnects_total', { transport: 'polling', reason: 'forced close' }),
      },
      subscriptions: {
        public: delta('switchboard_namespace_subscriptions_total', { namespace: 'public' }),
        chat: delta('switchboard_namespace_subscriptions_total', { namespace: 'chat' }),
      },
      resubscribes: delta('switchboard_resubscribes_total', { namespace: 'public' }),
      recovered: delta('switchboard_recoveries_total', { result: 'recovered' }),
      notRecovered: delta('switchboard_recoveries_total', { result: 'not_recovered' }),
      lags: delta('switchboard_position_lags_total'),
      publications: delta('switchboard_publications_total'),
      publicationsByNamespace: {
        public: delta('switchboard_namespace_publications_total', { namespace: 'public' }),
        chat: delta('switchboard_namespace_publications_total', { namespace: 'chat' }),
      },
      deliveries: {
        public: delta('switchboard_deliveries_total', { namespace: 'public' }),
        chat: delta('switchboard_deliveries_total', { namespace: 'chat' }),
      },
      fanOut: {
        count: delta('switchboard_fanout_size_count'),
        sum: delta('switchboard_fanout_size_sum'),
        empty: delta('switchboard_fanout_size_bucket', { le: '0' }),
      },
      localEmits: delta('switchboard_local_emit_seconds_count'),
      deliveryLatencies: delta('switchboard_delivery_latency_seconds_count'),
      brokerHops: delta('switchboard_broker_hop_seconds_count'),
      batches: {
        count: delta('switchboard_publish_batch_size_count'),
        sum: delta('switchboard_publish_batch_size_sum'),
      },
      replays: {
        rest: delta('switchboard_idempotent_replays_total', { source: 'rest' }),
        batch: delta('switchboard_idempotent_replays_total', { source: 'batch' }),
        chat: delta('switchboard_idempotent_replays_total', { source: 'chat' }),
      },
      refused: {
        depth: delta('switchboard_payloads_refused_total', { reason: 'depth' }),
        size: delta('switchboard_payloads_refused_total', { reason: 'size' }),
      },
      rateLimited: delta('switchboard_rate_limited_total'),
      slowConsumerCloses: delta('switchboard_slow_consumer_closes_total', { transport: 'polling' }),
      redisErrors: delta('switchboard_redis_errors_total'),
    };
    expect(moved).toEqual({
      // alice and gina on polling; bob, carol, dave and frank on WebSocket.
      connects: [2, 4],
      upgrades: 1,
      disconnects: { closed: 4, tooBig: 1, slow: 1 },
      // alice, carol ×3 and gina in public; bob in chat (the deep subscribe was refused).
      subscriptions: { public: 5, chat: 1 },
      resubscribes: 3,
      recovered: 2,
      notRecovered: 1,
      lags: 1,
      // 3 + the keyed REST one + chat.send + 2 slow + the keyed batch item.
      publications: 8,
      publicationsByNamespace: { public: 6, chat: 2 },
      // public: 3 to alice, 2 to gina (the second cut her), 1 to alice and carol; chat: 2 to bob.
      deliveries: { public: 7, chat: 2 },
      fanOut: { count: 8, sum: 9, empty: 0 },
      localEmits: 8,
      deliveryLatencies: 8,
      brokerHops: 0,
      batches: { count: 3, sum: 4 },
      replays: { rest: 1, batch: 1, chat: 1 },
      refused: { depth: 1, size: 3 },
      rateLimited,
      slowConsumerCloses: 1,
      redisErrors: 0,
    });
    expect(sampleValue(after, 'switchboard_ready', { instance: INSTANCE })).toBe(1);
    expect(sampleValue(after, 'switchboard_draining', { instance: INSTANCE })).toBe(0);
  });

  it('documents every series it exports in docs/operations.md, with its type', async () => {
    const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const exported = [...(await scrapeMetrics(gateway.url)).matchAll(/^# TYPE (switchboard_\w+) (\w+)$/gm)];
    const ours = exported.filter(([, name]) => !name.startsWith('switchboard_process_'));
    expect(ours.length).toBeGreaterThanOrEqual(30);
    const undocumented = ours
      .filter(([, name, type]) => !new RegExp(`^\\| \`${name}\` +\\| ${type} `, 'm').test(operations))
      .map(([, name, type]) => `${name} (${type})`);
    expect(undocumented).toEqual([]);
  });
});
