import { startGateway, type RunningGateway } from '../support/gateway.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { request } from '../support/http.js';
import { serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import {
  type AckResponse,
  collect,
  command,
  commandOk,
  disconnected,
  waitForEvent,
} from '../support/socket.js';
import { eventually } from '../support/wait.js';

describe('the command rate limit (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  const burst = 5;
  beforeAll(async () => {
    gateway = await startGateway({ RATE_LIMIT_PER_SECOND: '2', RATE_LIMIT_BURST: String(burst) });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('answers RATE_LIMITED to the excess of a burst, answers every command and stays connected', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'rat' }));
    const sent = 3 * burst;
    const started = Date.now();
    const answers: AckResponse[] = await Promise.all(
      Array.from({ length: sent }, (_, n) => command(socket, 'subscribe', { channel: `public:rl-${n}` })),
    );
    const elapsedMs = Date.now() - started;
    expect(answers).toHaveLength(sent);
    // The first `burst` fit the bucket; the rest are refused but for what it refilled (2 a
    // second) while the server decided them, which a busy machine stretches.
    expect(answers.slice(0, burst).every((a) => a.ok)).toBe(true);
    const limited = answers.filter((a) => !a.ok);
    expect(limited.length).toBeLessThanOrEqual(sent - burst);
    expect(limited.length).toBeGreaterThanOrEqual(sent - burst - Math.floor((2 * elapsedMs) / 1000));
    for (const answer of limited) {
      expect(answer).toEqual({
        ok: false,
        error: { code: 'RATE_LIMITED', message: expect.any(String), details: [] },
      });
    }
    expect(socket.connected).toBe(true);
    const metrics = await scrapeMetrics(gateway.url);
    expect(sampleValue(metrics, 'switchboard_rate_limited_total')).toBeGreaterThanOrEqual(limited.length);

    // Refused commands without ack are reported as exception events.
    const reported = waitForEvent(socket, 'exception', { filter: (p) => p['code'] === 'RATE_LIMITED' });
    for (let n = 0; n < burst + 2; n++) socket.emit('unsubscribe', { channel: 'public:rl-0' });
    expect(await reported).toEqual({
      code: 'RATE_LIMITED',
      message: expect.any(String),
      event: 'unsubscribe',
    });

    // The bucket refills (RATE_LIMIT_PER_SECOND); no event says when, so poll gently.
    await eventually(async () => (await command(socket, 'unsubscribe', { channel: 'public:rl-0' })).ok, {
      timeoutMs: 5000,
      intervalMs: 250,
      what: 'the bucket to refill',
    });
    expect(socket.connected).toBe(true);
  });

  it('disconnects sustained abuse (> 10 × burst refusals in 10 s), and only that client', async () => {
    const abuser = await pool.connect(gateway.token({ sub: 'abuser' }));
    const bystander = await pool.connect(gateway.token({ sub: 'bystander' }));
    const refusals = collect(abuser, 'exception');
    const gone = disconnected(abuser, 10_000);
    // The 51st refusal disconnects; 50 more than that cover what the bucket refills (2 a second)
    // however long a busy machine takes to decide them.
    for (let n = 0; n < burst + 10 * burst + 50; n++) abuser.emit('unsubscribe', { channel: 'public:x' });
    expect(await gone).toBe('io server disconnect');
    expect(refusals.length).toBeGreaterThanOrEqual(10 * burst);
    expect(refusals.every((r) => r['code'] === 'RATE_LIMITED')).toBe(true);
    expect(bystander.connected).toBe(true);
    await commandOk(bystander, 'subscribe', { channel: 'public:still' });
  });
});

describe('MAX_PAYLOAD_BYTES on sockets (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ MAX_PAYLOAD_BYTES: '4096' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('accepts a packet under the limit', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'big', channels: ['chat:*'] }));
    await commandOk(socket, 'chat.send', { room: 'size', text: 'x'.repeat(3000) });
  });

  it.each([['websocket'], ['polling']])(
    'disconnects a %s client sending a packet over the limit, and only it',
    async (transport) => {
      const offender = await pool.connect(gateway.token({ sub: 'big', channels: ['chat:*'] }), {
        transports: [transport],
      });
      const other = await pool.connect(gateway.token({ sub: 'small', channels: ['chat:*'] }));
      await commandOk(other, 'subscribe', { channel: 'chat:size' });
      const gone = disconnected(offender, 10_000);
      offender.emit('chat.send', { room: 'size', text: 'x'.repeat(8000) }, () => undefined);
      expect(await gone).toMatch(/transport (close|error)/);

      expect(other.connected).toBe(true);
      const arrived = waitForEvent<{ data: { text: string } }>(other, 'chat.message', {
        filter: (p) => p.data.text === 'still here',
      });
      await commandOk(other, 'chat.send', { room: 'size', text: 'still here' });
      await arrived;
      // The oversized message was never published.
      const history = await request<{ publications: { data: { text: string } }[] }>(
        gateway.url,
        'GET',
        '/api/v1/channels/chat:size/history',
        { token: serviceToken(gateway) },
      );
      expect(history.body.publications.map((p) => p.data.text.length)).not.toContain(8000);
    },
    20_000,
  );
});
