import { Agent, get } from 'node:http';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { ENGINE_PATH, pollingFrames } from '../support/raw-engine.js';
import { commandOk, connect } from '../support/socket.js';
import { ADMIN_UI_ENV } from '../ops/support/admin-ui.js';

/**
 * Issue 17, item 9 (the smaller ones): 10,000 unauthenticated polling sessions opened in 4 s
 * held about 60 MB with no per-address cap (now `MAX_PENDING_SESSIONS_PER_ADDRESS`); the admin
 * UI served whole package folders (`/admin/fonts/*\/package.json`) and answered `/ADMIN/`.
 * (`DELETE /api/v1/users/:userId/revoke` is in revocation-rest.)
 */
interface Handshake {
  status: number;
  sid?: string;
  retryAfter?: string | null;
}

/** One Engine.IO polling handshake (a new session, no Socket.IO CONNECT yet), through `agent`'s source address. */
async function pollingHandshake(url: string, agent?: Agent): Promise<Handshake> {
  const response = await new Promise<{ status: number; body: string; retryAfter?: string }>(
    (resolve, reject) => {
      const call = get(new URL(`${url}${ENGINE_PATH}polling`), { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, retryAfter: res.headers['retry-after'] }),
        );
      });
      call.on('error', reject);
    },
  );
  if (response.status !== 200) return { status: response.status, retryAfter: response.retryAfter };
  const open = pollingFrames(response.body)[0] ?? '';
  return { status: 200, sid: (JSON.parse(open.slice(1)) as { sid: string }).sid };
}

/** Sends Engine.IO packets on a polling session (POST). */
async function post(url: string, sid: string, packets: string[]): Promise<number> {
  const response = await fetch(`${url}${ENGINE_PATH}polling&sid=${sid}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: packets.join('\x1e'),
  });
  await response.text();
  return response.status;
}

const statuses = (handshakes: Handshake[]): Record<number, number> =>
  handshakes.reduce<Record<number, number>>((counts, { status }) => {
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});

describe('MAX_PENDING_SESSIONS_PER_ADDRESS: sessions without a completed handshake, per client address', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({ MAX_PENDING_SESSIONS_PER_ADDRESS: '20' });
  });
  afterAll(() => gateway.close());

  it('refuses the excess with 503 and Retry-After; a completed or closed session frees its place; other addresses are served', async () => {
    const handshakes = await Promise.all(Array.from({ length: 50 }, () => pollingHandshake(gateway.url)));
    expect(statuses(handshakes)).toEqual({ 200: 20, 503: 30 });
    expect(handshakes.find((h) => h.status === 503)?.retryAfter).toBe('1');
    expect(sampleValue(await scrapeMetrics(gateway.url), 'switchboard_pending_sessions_refused_total')).toBe(
      30,
    );

    // Another address is not affected: a whole client connects and is answered.
    const elsewhere = new Agent({ localAddress: '127.0.0.2' });
    expect((await pollingHandshake(gateway.url, elsewhere)).status).toBe(200);
    elsewhere.destroy();

    // A session that completes its Socket.IO handshake leaves the count...
    const [first, second] = handshakes.filter((h) => h.sid !== undefined).map((h) => h.sid!);
    expect((await pollingHandshake(gateway.url)).status).toBe(503);
    const token = gateway.token({ sub: 'pending-ann' });
    expect(await post(gateway.url, first, [`40${JSON.stringify({ token })}`])).toBe(200);
    expect((await pollingHandshake(gateway.url)).status).toBe(200);
    // ...and so does one that closes.
    expect((await pollingHandshake(gateway.url)).status).toBe(503);
    expect(await post(gateway.url, second, ['1'])).toBe(200);
    expect((await pollingHandshake(gateway.url)).status).toBe(200);
  });
});

describe('MAX_PENDING_SESSIONS_PER_ADDRESS default (100): a flood of unfinished polling sessions from one address', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(() => gateway.close());

  it('holds 100 of 2,000 and serves another client meanwhile', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const outcomes: Handshake[] = [];
    for (let batch = 0; batch < 20; batch++) {
      outcomes.push(...(await Promise.all(Array.from({ length: 100 }, () => pollingHandshake(gateway.url)))));
    }
    const seconds = (performance.now() - started) / 1000;
    const heapAfter = process.memoryUsage().heapUsed;
    expect(statuses(outcomes)).toEqual({ 200: 100, 503: 1900 });
    const client = await connect(gateway.url, gateway.token({ sub: 'pending-bob' }), {
      transports: ['websocket'],
      localAddress: '127.0.0.3',
    } as Parameters<typeof connect>[2]);
    expect(await commandOk(client, 'subscribe', { channel: 'public:pending' })).toMatchObject({ offset: 0 });
    client.close();
    console.info(
      `pending sessions: 2,000 polling handshakes from one address in ${seconds.toFixed(1)} s: 100 held, ` +
        `1,900 refused (503); heap of the test process ${(heapBefore / 1048576).toFixed(0)} → ` +
        `${(heapAfter / 1048576).toFixed(0)} MB; a client from another address served`,
    );
  });
});

describe('admin UI: only the files it needs, at exactly its path', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway(ADMIN_UI_ENV);
  });
  afterAll(() => gateway.close());

  it.each([
    '/admin/fonts/roboto/package.json',
    '/admin/fonts/mdi/package.json',
    '/admin/fonts/mdi/README.md',
    '/admin/fonts/mdi/scss/materialdesignicons.scss',
    '/admin/fonts/roboto/index.css',
    '/admin/fonts/roboto/files/roboto-latin-400-italic.woff2',
    '/admin/fonts/roboto/../../../package.json',
    '/ADMIN/',
    '/Admin/index.html',
    '/ADMIN/favicon.png',
    '/admin/FAVICON.PNG',
  ])('%s is a 404', async (path) => {
    expect((await request(gateway.url, 'GET', path)).status).toBe(404);
  });

  it('serves the page, its scripts and the fonts its stylesheets name', async () => {
    for (const path of [
      '/admin/',
      '/admin/favicon.png',
      '/admin/fonts/roboto/400.css',
      '/admin/fonts/roboto/files/roboto-latin-400-normal.woff2',
      '/admin/fonts/mdi/css/materialdesignicons.min.css',
      '/admin/fonts/mdi/fonts/materialdesignicons-webfont.woff2',
    ]) {
      expect([path, (await request(gateway.url, 'GET', path)).status]).toEqual([path, 200]);
    }
  });
});
