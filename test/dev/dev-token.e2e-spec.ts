import jwt from 'jsonwebtoken';
import { startChildGateway, type ChildGateway } from '../support/child-gateway.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { freePort } from '../support/global-setup.js';
import { request } from '../support/http.js';
import { commandOk, connect, waitForEvent } from '../support/socket.js';

describe('dev endpoints (demo sign-in)', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'development' });
  });
  afterAll(() => gateway.close());

  it('POST /api/v1/dev/token mints a one-hour chat:* token with no roles that connects', async () => {
    const response = await request<{ token: string }>(gateway.url, 'POST', '/api/v1/dev/token', {
      body: { sub: 'alice', name: 'Alice' },
    });
    expect(response.status).toBe(201);
    const claims = jwt.decode(response.body.token) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'alice', name: 'Alice', channels: ['chat:*'] });
    expect(claims.roles).toBeUndefined();
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);

    const socket = await connect(gateway.url, response.body.token);
    await commandOk(socket, 'subscribe', { channel: 'chat:lobby' });
    socket.close();
    const publish = await request(gateway.url, 'POST', '/api/v1/publish', {
      token: response.body.token,
      body: { channel: 'public:x', event: 'x', data: null },
    });
    expect(publish.status).toBe(403);
  });

  it('refuses a sub that is not a valid channel name part', async () => {
    const response = await request(gateway.url, 'POST', '/api/v1/dev/token', { body: { sub: 'no spaces' } });
    expect(response.status).toBe(400);
  });

  it('POST /api/v1/dev/notify-me sends a notification to the caller only', async () => {
    const token = gateway.token({ sub: 'carol' });
    const socket = await connect(gateway.url, token);
    const arrived = waitForEvent<{ channel: string; data: { title: string } }>(socket, 'notification');
    const response = await request(gateway.url, 'POST', '/api/v1/dev/notify-me', {
      token,
      body: { title: 'Ping' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ channel: 'user:carol' });
    expect(await arrived).toMatchObject({ channel: 'user:carol', data: { title: 'Ping' } });
    socket.close();
    const anonymous = await request(gateway.url, 'POST', '/api/v1/dev/notify-me', { body: {} });
    expect(anonymous.status).toBe(401);
  });
});

describe('dev endpoints with NODE_ENV=production', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ NODE_ENV: 'production' });
  });
  afterAll(() => gateway.close());

  it('do not exist', async () => {
    const mint = await request(gateway.url, 'POST', '/api/v1/dev/token', { body: { sub: 'alice' } });
    expect(mint.status).toBe(404);
    const notify = await request(gateway.url, 'POST', '/api/v1/dev/notify-me', {
      token: gateway.token({ sub: 'alice' }),
      body: {},
    });
    expect(notify.status).toBe(404);
    const openapi = await request<{ paths: Record<string, unknown> }>(gateway.url, 'GET', '/docs-json');
    expect(Object.keys(openapi.body.paths).filter((path) => path.includes('/dev/'))).toEqual([]);
  });
});

describe('the sample token of a development server without JWT_SECRET (node dist/main.js)', () => {
  let child: ChildGateway | undefined;
  afterAll(() => {
    if (child?.process.exitCode === null) child.process.kill('SIGKILL');
  });

  it('is printed as SWITCHBOARD_TOKEN=<jwt> on a stdout line of its own, even with LOG_LEVEL=warn', async () => {
    const port = await freePort();
    child = startChildGateway({
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
    });
    const line = await child.stdoutLine(/^SWITCHBOARD_TOKEN=/);
    const token = line.slice('SWITCHBOARD_TOKEN='.length);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(jwt.decode(token)).toMatchObject({
      sub: 'dev',
      roles: ['service', 'admin'],
      channels: ['chat:*'],
    });

    // Printed once the server listens: the token publishes right away (it carries role service).
    const published = await request(`http://127.0.0.1:${port}`, 'POST', '/api/v1/publish', {
      token,
      body: { channel: 'public:news', event: 'news.posted', data: null },
    });
    expect(published.status).toBe(201);

    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const lines = child
      .stdout()
      .split('\n')
      .filter((text) => text !== '');
    expect(lines.filter((text) => text.startsWith('SWITCHBOARD_TOKEN='))).toEqual([line]);
    // Boxed off with its explanation, after the start-up records (the last of which is the
    // warning that JWT_SECRET is unset); only records follow it.
    const at = lines.indexOf(line);
    const top = lines.lastIndexOf(lines[at + 1], at - 1);
    expect(lines[at + 1]).toMatch(/^─{78}$/);
    expect(lines.slice(top + 1, at).join(' ')).toMatch(
      /^Development only: JWT_SECRET is not set.*valid 24 h: sub dev, roles service and admin, channels chat:\*/,
    );
    const records = (from: number, to?: number) =>
      lines.slice(from, to).map((text) => JSON.parse(text) as { level: number; msg: string });
    expect(records(0, top).at(-1)?.msg).toMatch(/^JWT_SECRET is not set/);
    // LOG_LEVEL=warn still holds for the log itself: no info line (pino level 30) was written.
    const levels = [...records(0, top), ...records(at + 2)].map((record) => record.level);
    expect(levels.filter((level) => level < 40)).toEqual([]);
  });

  it('comes last at the default LOG_LEVEL too, after every start-up record', async () => {
    const port = await freePort();
    child = startChildGateway({ PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'development' });
    await child.stdoutLine(/^SWITCHBOARD_TOKEN=/);
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    const lines = child.stdout().split('\n');
    const token = lines.findIndex((text) => text.startsWith('SWITCHBOARD_TOKEN='));
    const listening = lines.findIndex((text) => text.includes('listening on'));
    const draining = lines.findIndex((text) => text.includes('SIGTERM received'));
    expect(listening).toBeGreaterThan(0);
    expect(token).toBeGreaterThan(listening);
    expect(draining).toBeGreaterThan(token + 1);
    // After the token's box only the shutdown is logged: records written at or after the
    // SIGTERM (two loggers flush on their own, so their lines may come in either order).
    const after = lines
      .slice(token + 2)
      .filter((text) => text !== '')
      .map((text) => JSON.parse(text) as { time: number });
    const sigterm = JSON.parse(lines[draining]) as { time: number };
    for (const record of after) expect(record.time).toBeGreaterThanOrEqual(sigterm.time);
  });
});
