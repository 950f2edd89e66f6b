import { jest } from '@jest/globals';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { barrier, publish } from '../support/publisher.js';
import { RawPolling, RawWebSocket } from '../support/raw-engine.js';
import { type ClientSocket, collect, commandOk, connect } from '../support/socket.js';

jest.setTimeout(120_000);

/** ~48 KB of JSON per publication, as in the report (50 of them per second grew the heap by GBs/h). */
const BIG = 'x'.repeat(48 * 1024);
/** 30 MB: far beyond MAX_BUFFERED_BYTES plus what the kernel's socket buffers take on loopback. */
const MAX_PUBLICATIONS = 640;

function heapMb(): string {
  const { heapUsed, external, rss } = process.memoryUsage();
  const mb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`;
  return `heap ${mb(heapUsed)}, external ${mb(external)}, rss ${mb(rss)}`;
}

/**
 * Issue 9, defect 5 (contract v2 `MAX_BUFFERED_BYTES`): a client that keeps its connection
 * alive but never takes what is sent to it made the server queue every publication for it.
 * Beyond the limit its transport is closed; other clients of the channel get everything.
 */
describe('MAX_BUFFERED_BYTES: a client that never takes what is queued to it', () => {
  let gateway: RunningGateway;
  let reader: ClientSocket;

  beforeAll(async () => {
    gateway = await startGateway();
    reader = await connect(gateway.url, gateway.token({ sub: 'reader' }));
  });
  afterAll(async () => {
    reader?.close();
    await gateway?.close();
  });

  const closes = async (transport: string): Promise<number> =>
    sampleValue(await scrapeMetrics(gateway.url), 'switchboard_slow_consumer_closes_total', { transport }) ??
    0;

  /**
   * Publishes big publications to `channel` until the slow consumer's transport is closed
   * (or {@link MAX_PUBLICATIONS}); returns how many were published, or undefined if never cut.
   */
  async function publishUntilCut(channel: string, transport: string): Promise<number | undefined> {
    const before = await closes(transport);
    for (let n = 1; n <= MAX_PUBLICATIONS; n++) {
      await publish(gateway, channel, 'news.big', { n, text: BIG });
      if (n % 8 === 0 && (await closes(transport)) > before) return n;
    }
    return undefined;
  }

  it('closes a WebSocket client that answers pings but never reads; a normal client gets everything', async () => {
    const channel = 'public:slow-ws';
    await commandOk(reader, 'subscribe', { channel });
    const offsets: number[] = [];
    reader.on('news.big', (p: { channel: string; offset: number }) => {
      if (p.channel === channel) offsets.push(p.offset);
    });

    const sloth = await RawWebSocket.handshake(gateway.url, { token: gateway.token({ sub: 'sloth' }) });
    expect(await sloth.command(1, 'subscribe', { channel })).toMatchObject({ ok: true });
    sloth.stopReading();
    // Pongs need no ping: they keep the heartbeat satisfied without reading anything.
    const pongs = setInterval(() => sloth.send('3'), 500);
    const before = heapMb();
    try {
      const cutAfter = await publishUntilCut(channel, 'websocket');
      console.info(
        `slow WebSocket consumer closed after ${cutAfter} publications of 48 KB; ${before} → ${heapMb()}`,
      );
      expect(cutAfter).toBeDefined();
    } finally {
      clearInterval(pongs);
    }
    // Once it reads again it finds its connection closed.
    sloth.resumeReading();
    await sloth.closed;
    const last = await publish(gateway, channel, 'news.big', { n: 0 });
    await barrier(gateway, reader, channel);
    expect(offsets).toEqual(Array.from({ length: last.offset }, (_, i) => i + 1));
    expect(
      sampleValue(await scrapeMetrics(gateway.url), 'switchboard_disconnects_total', {
        reason: 'forced close',
      }),
    ).toBe(1);
  });

  it('closes a polling client that never polls; a normal client gets everything', async () => {
    const channel = 'public:slow-poll';
    await commandOk(reader, 'subscribe', { channel });
    const offsets = collect<{ channel: string; offset: number }>(reader, 'news.big');

    const sloth = await RawPolling.open(gateway.url);
    expect(await sloth.post(`40${JSON.stringify({ token: gateway.token({ sub: 'sleeper' }) })}`)).toEqual({
      status: 200,
      body: 'ok',
    });
    expect((await sloth.poll()).frames[0]).toMatch(/^40\{"sid":/);
    expect(await sloth.post(`421${JSON.stringify(['subscribe', { channel }])}`)).toMatchObject({
      body: 'ok',
    });
    expect((await sloth.poll()).frames[0]).toMatch(/^431\[\{"ok":true/);
    // From now on it never polls, but keeps the heartbeat satisfied.
    const pongs = setInterval(() => void sloth.post('3').catch(() => undefined), 500);
    const before = heapMb();
    try {
      const cutAfter = await publishUntilCut(channel, 'polling');
      console.info(
        `polling consumer that never polls closed after ${cutAfter} publications; ${before} → ${heapMb()}`,
      );
      expect(cutAfter).toBeDefined();
    } finally {
      clearInterval(pongs);
    }
    // Its session is gone: Engine.IO no longer knows the sid.
    expect((await sloth.post('3')).status).toBe(400);
    const mine = (): number[] => offsets.filter((p) => p.channel === channel).map((p) => p.offset);
    const last = await publish(gateway, channel, 'news.big', { n: 0 });
    await barrier(gateway, reader, channel);
    expect(mine()).toEqual(Array.from({ length: last.offset }, (_, i) => i + 1));
  });
});
