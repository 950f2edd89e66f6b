import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishError } from './publish-error.js';
import { SwitchboardPublisher, type RetryInfo } from './switchboard-publisher.js';

interface Seen {
  method: string;
  url: string;
  key: string | undefined;
  auth: string | undefined;
  body: unknown;
}
type Reply = (res: ServerResponse, seen: Seen) => void;

/** A local HTTP server that answers each request with the next scripted reply. */
class ScriptedGateway {
  readonly seen: Seen[] = [];
  private readonly server: Server;
  private replies: Reply[] = [];

  constructor() {
    // A request the client gave up on while its body was read is simply not counted.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => undefined));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  script(...replies: Reply[]): void {
    this.replies = replies;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const seen: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      key: req.headers['idempotency-key'] as string | undefined,
      auth: req.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    };
    this.seen.push(seen);
    const reply = this.replies.shift();
    if (!reply) return json(500, { statusCode: 500, message: 'unscripted' })(res, seen);
    reply(res, seen);
  }
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const unavailable = json(503, {
  statusCode: 503,
  message: 'may have been stored',
  error: 'Service Unavailable',
});
const dropConnection: Reply = (res) => res.socket?.destroy();
const neverAnswer: Reply = () => undefined;

describe('SwitchboardPublisher', () => {
  const gateway = new ScriptedGateway();
  let url: string;
  let retries: RetryInfo[];
  let publisher: SwitchboardPublisher;

  beforeAll(async () => {
    url = await gateway.start();
  });
  afterAll(() => gateway.stop());
  beforeEach(() => {
    gateway.seen.length = 0;
    retries = [];
    publisher = new SwitchboardPublisher({
      url: `${url}/`,
      token: () => 'service-token',
      retryDelayMs: 1,
      maxDelayMs: 20,
      // Long enough for a cold first request on a busy machine, short enough for the timeout case.
      timeoutMs: 1_000,
      onRetry: (retry) => retries.push(retry),
    });
  });

  it('retries a 503, a dropped connection and a timeout with the same Idempotency-Key', async () => {
    const published = { channel: 'public:x', event: 'e', offset: 7, epoch: 'E' };
    gateway.script(unavailable, dropConnection, neverAnswer, json(201, published));
    await expect(publisher.publish('public:x', 'e', { n: 1 })).resolves.toEqual(published);
    expect(gateway.seen).toHaveLength(4);
    const keys = new Set(gateway.seen.map((s) => s.key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[A-Za-z0-9_.:-]{1,128}$/);
    expect(gateway.seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/publish',
      auth: 'Bearer service-token',
      body: { channel: 'public:x', event: 'e', data: { n: 1 } },
    });
    expect(retries.map((r) => [r.attempt, r.error.statusCode])).toEqual([
      [1, 503],
      [2, undefined],
      [3, undefined],
    ]);
    expect(retries[2]?.error.message).toMatch(/timed out/);
  });

  it('uses a new key for each logical call, or the one given', async () => {
    const published = { channel: 'public:x', event: 'e', offset: 1, epoch: 'E' };
    gateway.script(json(201, published), json(201, published), json(201, published));
    await publisher.publish('public:x', 'e', null);
    await publisher.publish('public:x', 'e', null);
    await publisher.publish('public:x', 'e', null, { idempotencyKey: 'order-9:paid' });
    const [a, b, c] = gateway.seen.map((s) => s.key);
    expect(a).not.toBe(b);
    expect(c).toBe('order-9:paid');
  });

  it("does not retry a refusal, and reports the gateway's error body", async () => {
    const body = { statusCode: 400, message: ['event must match'], error: 'Bad Request' };
    gateway.script(json(400, body));
    const error = await publisher.publish('public:x', 'Bad', null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ statusCode: 400, body, retryable: false, attempts: 1 });
    expect(gateway.seen).toHaveLength(1);
  });

  it('gives up after maxAttempts with the last answer', async () => {
    publisher = new SwitchboardPublisher({ url, token: 't', maxAttempts: 3, retryDelayMs: 1, maxDelayMs: 5 });
    gateway.script(unavailable, unavailable, unavailable);
    await expect(publisher.notify({ userId: 'u', title: 't' })).rejects.toMatchObject({
      statusCode: 503,
      retryable: true,
      attempts: 3,
    });
    expect(gateway.seen.map((s) => s.url)).toEqual(Array(3).fill('/api/v1/notifications'));
  });

  it('waits at least Retry-After (within maxDelayMs)', async () => {
    gateway.script(
      json(429, { statusCode: 429, message: 'slow down' }, { 'retry-after': '0.015' }),
      json(201, {}),
    );
    await publisher.chatMessage('ops room', 'hi');
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(15);
    expect(gateway.seen[0]?.url).toBe('/api/v1/chat/rooms/ops%20room/messages');
  });

  it('keys every batch item and retries only the items that failed with a passing error', async () => {
    const ok = (offset: number) => ({ channel: 'public:b', event: 'e', offset, epoch: 'E' });
    const failed503 = { channel: 'public:b', error: { statusCode: 503, message: 'may have been stored' } };
    const failed404 = { channel: 'nope:x', error: { statusCode: 404, message: 'unknown' } };
    gateway.script(json(200, { results: [ok(1), failed503, failed404] }), json(200, { results: [ok(2)] }));
    const results = await publisher.publishBatch([
      { channel: 'public:b', event: 'e', data: 1 },
      { channel: 'public:b', event: 'e', data: 2, idempotencyKey: 'mine' },
      { channel: 'nope:x', event: 'e', data: 3 },
    ]);
    expect(results).toEqual([ok(1), ok(2), failed404]);
    const [first, second] = gateway.seen.map((s) => s.body as { publications: { idempotencyKey: string }[] });
    expect(first?.publications.map((p) => p.idempotencyKey)).toEqual([
      expect.any(String),
      'mine',
      expect.any(String),
    ]);
    expect(second?.publications).toEqual([
      { channel: 'public:b', event: 'e', data: 2, idempotencyKey: 'mine' },
    ]);
  });

  it('reads history with its query, without an idempotency key', async () => {
    gateway.script(unavailable, json(200, { channel: 'chat:a b', epoch: 'E', offset: 0, publications: [] }));
    await expect(publisher.history('chat:a b', { since: 3, limit: 10 })).resolves.toMatchObject({
      offset: 0,
    });
    expect(gateway.seen.map((s) => [s.method, s.url, s.key])).toEqual([
      ['GET', '/api/v1/channels/chat%3Aa%20b/history?since=3&limit=10', undefined],
      ['GET', '/api/v1/channels/chat%3Aa%20b/history?since=3&limit=10', undefined],
    ]);
  });
});
