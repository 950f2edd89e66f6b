import { jest } from '@jest/globals';
import jwt from 'jsonwebtoken';
import {
  CLUSTER_SECRET,
  type GatewayProcess,
  jsonLines,
  startGatewayProcess,
  until,
} from '../deploy/support/gateway-processes.js';
import { request } from '../support/http.js';
import { type ClientSocket, commandOk, connect, connectRefused, waitForEvent } from '../support/socket.js';

jest.setTimeout(120_000);

const INSTANCE = 'logs-1';
/** In a publication's data: must never reach the log. */
const PAYLOAD_MARKER = 'payload-marker-7f3a9c';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type LogLine = Record<string, unknown> & { level: number; instance?: string; event?: string };

/**
 * Issue 12, logs: a real gateway process (`node dist/main.js`, JSON on stdout) writes one line
 * per connection open and close, per refused handshake, per control action, and a request id on
 * REST lines, and never a token or a payload.
 */
describe('operation log lines of a gateway process', () => {
  let gateway: GatewayProcess;
  const clients: ClientSocket[] = [];
  const tokens: string[] = [];
  const token = (claims: Record<string, unknown>, secret = CLUSTER_SECRET): string => {
    const signed = jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 3600 });
    tokens.push(signed);
    return signed;
  };
  const service = (): string => token({ sub: 'backend', roles: ['service'] });
  const lines = (): LogLine[] => jsonLines<LogLine>(gateway);
  const line = (what: string, match: (entry: LogLine) => boolean): Promise<LogLine> =>
    until(() => lines().find(match), what);

  beforeAll(async () => {
    gateway = await startGatewayProcess(INSTANCE, {
      LOG_LEVEL: 'debug',
      MAX_CONNECTIONS_PER_USER: '1',
      POSITION_INTERVAL_SECONDS: '0',
    });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    if (gateway?.process.exitCode === null) {
      gateway.process.kill('SIGTERM');
      await gateway.exited;
    }
  });

  it('logs a connection open and close with user, transport, instance, duration and reason', async () => {
    const alice = await connect(gateway.url, token({ sub: 'alice' }));
    clients.push(alice);
    const socketId = alice.id;
    await commandOk(alice, 'subscribe', { channel: 'public:logs' });
    const delivered = waitForEvent(alice, 'logs.note');
    const published = await request(gateway.url, 'POST', '/api/v1/publish', {
      token: service(),
      body: { channel: 'public:logs', event: 'logs.note', data: { text: PAYLOAD_MARKER } },
    });
    expect(published.status).toBe(201);
    await delivered;
    alice.close();

    const opened = await line(
      'connection.open',
      (l) => l.event === 'connection.open' && l['userId'] === 'alice',
    );
    expect(opened).toMatchObject({ instance: INSTANCE, transport: 'websocket', socketId, level: 30 });
    const closed = await line(
      'connection.close',
      (l) => l.event === 'connection.close' && l['userId'] === 'alice',
    );
    expect(closed).toMatchObject({
      instance: INSTANCE,
      transport: 'websocket',
      socketId,
      reason: 'client namespace disconnect',
      durationMs: expect.any(Number),
    });
    expect(closed['durationMs']).toBeGreaterThanOrEqual(0);
  });

  it('logs each refused handshake with its reason, never the token', async () => {
    const forged = token({ sub: 'mallory' }, 'another-secret-0123456789-abcdefghij');
    expect((await connectRefused(gateway.url, forged)).message).toBe('UNAUTHORIZED');
    const refused = await line('handshake.refused (token)', (l) => l.event === 'handshake.refused');
    expect(refused).toMatchObject({
      instance: INSTANCE,
      code: 'UNAUTHORIZED',
      reason: 'invalid signature',
      level: 40,
    });
    expect(refused['userId']).toBeUndefined();

    // MAX_CONNECTIONS_PER_USER=1: the second connection of one user is refused, naming the user.
    const first = await connect(gateway.url, token({ sub: 'carol' }));
    clients.push(first);
    expect((await connectRefused(gateway.url, token({ sub: 'carol' }))).message).toBe('LIMIT_EXCEEDED');
    expect(
      await line(
        'handshake.refused (limit)',
        (l) => l.event === 'handshake.refused' && l['userId'] === 'carol',
      ),
    ).toMatchObject({ code: 'LIMIT_EXCEEDED', reason: 'at most 1 connections per user' });
  });

  it('logs a control action where it was requested and where it was applied', async () => {
    const bob = await connect(gateway.url, token({ sub: 'bob' }));
    clients.push(bob);
    const terminated = waitForEvent(bob, 'session.terminated');
    const response = await request(gateway.url, 'POST', '/api/v1/users/bob/disconnect', {
      token: service(),
      body: {},
    });
    expect(response).toMatchObject({ status: 200, body: { userId: 'bob', disconnected: 1 } });
    await terminated;
    expect(await line('control.action', (l) => l.event === 'control.action')).toMatchObject({
      instance: INSTANCE,
      action: 'disconnect',
      userId: 'bob',
      affected: 1,
      reconnect: false,
    });
    expect(await line('control.applied', (l) => l.event === 'control.applied')).toMatchObject({
      action: 'disconnect',
      userId: 'bob',
      affected: 1,
    });
    expect(
      await line('connection.close (bob)', (l) => l.event === 'connection.close' && l['userId'] === 'bob'),
    ).toMatchObject({ reason: 'server namespace disconnect' });
  });

  it('gives every REST request an id, the caller’s X-Request-Id when well-formed, echoed in the answer', async () => {
    const ask = (headers: Record<string, string>) =>
      request(gateway.url, 'GET', '/api/v1/channels/public:logs/history', { token: service(), headers });
    const kept = await ask({ 'X-Request-Id': 'ops-req-42' });
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-request-id')).toBe('ops-req-42');
    const made = (await ask({})).headers.get('x-request-id');
    expect(made).toMatch(UUID);
    const replaced = (await ask({ 'X-Request-Id': 'not an id; <script>' })).headers.get('x-request-id');
    expect(replaced).toMatch(UUID);

    const access = (id: string | null) =>
      line(`access line ${id}`, (l) => (l['req'] as { id?: string } | undefined)?.id === id);
    expect(await access('ops-req-42')).toMatchObject({
      instance: INSTANCE,
      req: { method: 'GET', headers: { authorization: '[Redacted]' } },
      res: { statusCode: 200 },
    });
    await access(made);
    await access(replaced);
  });

  it('never writes a token or a payload', () => {
    const output = gateway.output();
    expect(tokens.length).toBeGreaterThanOrEqual(7);
    for (const issued of tokens) expect(output).not.toContain(issued);
    // Not even the signature alone.
    for (const issued of tokens) expect(output).not.toContain(issued.split('.')[2]);
    expect(output).not.toContain(PAYLOAD_MARKER);
    expect(lines().every((l) => l.instance === INSTANCE)).toBe(true);
  });
});
