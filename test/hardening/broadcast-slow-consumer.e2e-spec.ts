import { jest } from '@jest/globals';
import { GatewayPair } from '../redis/support/gateway-pair.js';
import type { RunningGateway } from '../support/gateway.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { publish } from '../support/publisher.js';
import { RawWebSocket } from '../support/raw-engine.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';

jest.setTimeout(180_000);

/**
 * Issue 9, floods: a slow consumer during a broadcast. Twenty readers on two instances and one
 * client that answers pings but never reads share a channel; 48 KB publications are published
 * eight at a time, on both instances, until the slow consumer's transport is closed (contract
 * v2 `MAX_BUFFERED_BYTES`), then twenty more. Every reader gets every offset, once, in order.
 */
const READERS = 20;
const CONCURRENCY = 8;
const BIG = 'x'.repeat(48 * 1024);
const CHANNEL = 'public:broadcast';
/** Far beyond 1 MiB plus the kernel's socket buffers on loopback. */
const MAX_PUBLICATIONS = 800;

describe('a slow consumer during a broadcast (two instances)', () => {
  const pair = new GatewayPair('broadcast-slow');
  let gateways: RunningGateway[];

  beforeAll(async () => {
    gateways = await pair.start();
  });
  afterAll(() => pair.stop());

  const slowCloses = async (gateway: RunningGateway): Promise<number> =>
    sampleValue(await scrapeMetrics(gateway.url), 'switchboard_slow_consumer_closes_total', {
      transport: 'websocket',
    }) ?? 0;

  it('cuts the slow consumer; every reader on both instances gets every publication in order', async () => {
    const [a] = gateways;
    const readers: ClientSocket[] = [];
    const offsets: number[][] = [];
    for (let n = 0; n < READERS; n++) {
      const gateway = gateways[n % 2];
      const reader = await connect(gateway.url, gateway.token({ sub: `reader-${n}` }));
      pair.track(reader);
      await commandOk(reader, 'subscribe', { channel: CHANNEL });
      const seen: number[] = [];
      reader.on('news.big', (p: { offset: number }) => seen.push(p.offset));
      readers.push(reader);
      offsets.push(seen);
    }

    const sloth = await RawWebSocket.handshake(a.url, { token: a.token({ sub: 'sloth' }) });
    expect(await sloth.command(1, 'subscribe', { channel: CHANNEL })).toMatchObject({ ok: true });
    sloth.stopReading();
    const pongs = setInterval(() => sloth.send('3'), 500);
    let published = 0;
    let cutAfter: number | undefined;
    const publishSome = (count: number): Promise<unknown> =>
      Promise.all(
        Array.from({ length: count }, () =>
          publish(gateways[published++ % 2], CHANNEL, 'news.big', { text: BIG }),
        ),
      );
    try {
      while (published < MAX_PUBLICATIONS && cutAfter === undefined) {
        await publishSome(CONCURRENCY);
        if ((await slowCloses(a)) > 0) cutAfter = published;
      }
      await publishSome(20);
    } finally {
      clearInterval(pongs);
    }
    const last = await publish(gateways[1], CHANNEL, 'news.big', { text: 'last' });
    await Promise.all(
      readers.map((reader) =>
        waitForEvent(reader, 'news.big', { filter: (p) => p['offset'] === last.offset, timeoutMs: 30_000 }),
      ),
    );
    console.info(
      `broadcast to ${READERS} readers on two instances: slow consumer cut after ${cutAfter} publications of 48 KB ` +
        `(${published + 1} published in all), every reader got all of them in order`,
    );
    expect(cutAfter).toBeDefined();
    const expected = Array.from({ length: last.offset }, (_, i) => i + 1);
    for (const seen of offsets) expect(seen).toEqual(expected);
    sloth.resumeReading();
    expect(typeof (await sloth.closed)).toBe('number');
  });
});
