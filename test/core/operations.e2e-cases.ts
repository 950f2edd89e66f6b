import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { sampleSum, sampleValue, scrapeMetrics } from '../support/metrics.js';
import { publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { command, commandOk, connectRefused, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';

describe('operations endpoints (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ INSTANCE_ID: 'ops-test-1' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('answers /health/live and /health/ready with the instance', async () => {
    expect((await request(gateway.url, 'GET', '/health/live')).status).toBe(200);
    const ready = await request(gateway.url, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', instance: 'ops-test-1' });
  });

  it('exposes every metric of the contract in Prometheus text', async () => {
    const websocket = await pool.connect(gateway.token({ sub: 'm1' }));
    await pool.connect(gateway.token({ sub: 'm2' }), { transports: ['polling'] });
    const upgrading = await pool.connect(gateway.token({ sub: 'm3' }), {
      transports: ['polling', 'websocket'],
    });
    if (upgrading.io.engine.transport.name !== 'websocket') {
      await new Promise((resolve) => upgrading.io.engine.once('upgrade', resolve));
    }
    await commandOk(websocket, 'subscribe', { channel: 'public:ops' });
    expect((await command(websocket, 'subscribe', { channel: 'user:other' })).ok).toBe(false);
    const delivered = waitForEvent(websocket, 'ops.event');
    await publish(gateway, 'public:ops', 'ops.event', 1);
    await delivered;
    await connectRefused(gateway.url, 'garbage');
    const leaving = await pool.connect(gateway.token({ sub: 'm4' }));
    leaving.close();

    const response = await request<string>(gateway.url, 'GET', '/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const types: [string, string][] = [
      ['switchboard_connections', 'gauge'],
      ['switchboard_subscriptions', 'gauge'],
      ['switchboard_publications_total', 'counter'],
      ['switchboard_commands_total', 'counter'],
      ['switchboard_delivery_latency_seconds', 'histogram'],
      ['switchboard_connects_total', 'counter'],
      ['switchboard_disconnects_total', 'counter'],
      ['switchboard_auth_failures_total', 'counter'],
      ['switchboard_rate_limited_total', 'counter'],
      ['switchboard_broker_errors_total', 'counter'],
    ];
    for (const [name, type] of types) expect(response.body).toContain(`# TYPE ${name} ${type}\n`);

    // The server settles the closed client after the close reaches it; poll the scrape.
    const text = await eventually(
      async () => {
        const scraped = await scrapeMetrics(gateway.url);
        const reason = { reason: 'client namespace disconnect' };
        return (sampleValue(scraped, 'switchboard_disconnects_total', reason) ?? 0) >= 1 &&
          sampleValue(scraped, 'switchboard_connections', { transport: 'websocket' }) === 2
          ? scraped
          : undefined;
      },
      { what: 'the disconnect and the upgrade to be counted' },
    );
    const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
      sampleValue(text, name, { instance: 'ops-test-1', ...labels });
    expect(value('switchboard_connections', { transport: 'websocket' })).toBe(2);
    expect(value('switchboard_connections', { transport: 'polling' })).toBe(1);
    expect(value('switchboard_subscriptions')).toBe(4); // three personal channels + public:ops
    expect(value('switchboard_publications_total')).toBeGreaterThanOrEqual(1);
    expect(
      value('switchboard_commands_total', { command: 'subscribe', result: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('switchboard_commands_total', { command: 'subscribe', result: 'FORBIDDEN' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value('switchboard_delivery_latency_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(value('switchboard_delivery_latency_seconds_bucket', { le: '+Inf' })).toBeGreaterThanOrEqual(1);
    expect(value('switchboard_delivery_latency_seconds_sum')).toBeGreaterThanOrEqual(0);
    expect(sampleSum(text, 'switchboard_connects_total')).toBeGreaterThanOrEqual(4);
    expect(value('switchboard_auth_failures_total')).toBeGreaterThanOrEqual(1);
    expect(value('switchboard_rate_limited_total')).toBe(0);
  });

  it('documents every REST endpoint in OpenAPI at /docs-json', async () => {
    const response = await request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      gateway.url,
      'GET',
      '/docs-json',
    );
    expect(response.status).toBe(200);
    expect(response.body.openapi).toMatch(/^3\./);
    const operations = Object.entries(response.body.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/v1/publish',
        'POST /api/v1/notifications',
        'POST /api/v1/chat/rooms/{room}/messages',
        'GET /api/v1/channels/{channel}/history',
        'GET /api/v1/channels/{channel}/presence',
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
      ]),
    );
    const docs = await request<string>(gateway.url, 'GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('serves the demo page at /', async () => {
    const response = await request<string>(gateway.url, 'GET', '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.body).toMatch(/<!doctype html>/i);
  });
});
