import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { SocketPool } from '../support/socket-pool.js';
import { commandOk, waitForEvent } from '../support/socket.js';

interface Operation {
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
  requestBody?: unknown;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

describe('contract v2 delivery in OpenAPI and /metrics', () => {
  let gateway: RunningGateway;
  let openapi: OpenApi;
  const pool = new SocketPool(() => gateway.url);

  beforeAll(async () => {
    gateway = await startGateway({ POSITION_INTERVAL_SECONDS: '1' });
    openapi = (await request<OpenApi>(gateway.url, 'GET', '/docs-json')).body;
  });
  afterAll(async () => {
    pool.closeAll();
    await gateway.close();
  });

  it.each(['/api/v1/publish', '/api/v1/notifications', '/api/v1/chat/rooms/{room}/messages'])(
    'documents the Idempotency-Key, the replay header and the honest 503 of POST %s',
    (path) => {
      const operation = openapi.paths[path]?.post;
      expect(operation?.parameters).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }),
        ]),
      );
      expect(Object.keys(operation?.responses['201']?.headers ?? {})).toEqual(['Idempotent-Replayed']);
      expect(Object.keys(operation?.responses['503']?.headers ?? {})).toEqual(['Retry-After']);
    },
  );

  it('documents POST /api/v1/publish/batch with its body and a 200', () => {
    const operation = openapi.paths['/api/v1/publish/batch']?.post;
    expect(operation?.requestBody).toBeDefined();
    expect(Object.keys(operation?.responses ?? {})).toContain('200');
  });

  it('counts channel.position announcements and exposes the stream-eviction counter', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'metrics' }));
    await commandOk(socket, 'subscribe', { channel: 'public:counted' });
    await waitForEvent(socket, 'channel.position', { filter: (p) => p['channel'] === 'public:counted' });
    const text = await scrapeMetrics(gateway.url);
    expect(sampleValue(text, 'switchboard_channel_positions_total')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(text, 'switchboard_memory_stream_evictions_total')).toBe(0);
  });
});
