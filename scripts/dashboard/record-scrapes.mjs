#!/usr/bin/env node
// Records /metrics of two real gateway processes (node dist/main.js, Redis mode) while a script
// drives them through a session an operator would want to see: steady chat and public traffic,
// refused commands, a reconnect storm whose clients recover, clients away too long that must
// resync, and a rolling restart (SIGTERM: drain) of one instance. The gateways send webhooks to,
// and ask decisions of, a backend in this script (a backend-decided namespace `orders`), whose
// webhook endpoint fails for a while. Writes every scrape to a JSON file that render.mjs draws
// the dashboard from.
//
//   npm run dashboard:record [-- out.json.gz]      (builds dist/ first when stale)
//   REDIS_URL=redis://127.0.0.1:6379 (default); keys under a fresh prefix, deleted at the end.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { io } from 'socket.io-client';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const OUT = process.argv[2] ?? join(ROOT, 'docs', 'dashboard-recording.json.gz');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `dash-rec-${randomBytes(3).toString('hex')}:`;
const SECRET = randomBytes(32).toString('hex');
const SCRAPE_MS = 2000;
const CLIENTS = 60;

const token = (claims) => jwt.sign(claims, SECRET, { algorithm: 'HS256', expiresIn: 3600 });
const service = token({ sub: 'recorder', roles: ['service'] });

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// --- the backend: webhooks in, decisions out ----------------------------------------------------
const HOOKS_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
let webhooksFailing = false;
const backend = createHttpServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/webhooks') {
      res.writeHead(webhooksFailing ? 503 : 204).end();
      return;
    }
    // A backend that takes a few milliseconds to decide, and refuses one subscribe in ten.
    const answer =
      req.url === '/subscribe'
        ? { allow: Math.random() >= 0.1, reason: 'not yours' }
        : { ok: true, data: {} };
    setTimeout(
      () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
      2 + Math.random() * 20,
    );
  });
}).listen(0, '127.0.0.1');
await new Promise((resolve) => backend.once('listening', resolve));
const BACKEND = `http://127.0.0.1:${backend.address().port}`;
const NAMESPACES_FILE = join(mkdtempSync(join(tmpdir(), 'dash-rec-')), 'namespaces.json');
writeFileSync(
  NAMESPACES_FILE,
  JSON.stringify({
    namespaces: {
      orders: { subscribe: `${BACKEND}/subscribe`, commands: { 'orders.track': `${BACKEND}/track` } },
    },
  }),
);

async function startGateway(id) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'main.js')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      JWT_SECRET: SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      INSTANCE_ID: id,
      REDIS_URL,
      REDIS_KEY_PREFIX: PREFIX,
      HISTORY_SIZE: '20',
      SHUTDOWN_DRAIN_MS: '8000',
      LOG_LEVEL: 'warn',
      HOOKS_SECRET,
      WEBHOOK_URL: `${BACKEND}/webhooks`,
      NAMESPACES_FILE,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries += 1) {
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (tries > 300) throw new Error(`${id} did not become ready`);
    await sleep(100);
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { id, url, child, exited, alive: true };
}

const gateways = [await startGateway('gw-a'), await startGateway('gw-b')];
const alive = () => gateways.filter((g) => g.alive);

// --- scrapes -----------------------------------------------------------------------------------
const scrapes = [];
const started = Date.now();
const scraper = setInterval(async () => {
  const t = Date.now();
  const texts = await Promise.all(
    gateways.map((g) =>
      fetch(`${g.url}/metrics`).then(
        (r) => r.text(),
        () => '',
      ),
    ),
  );
  scrapes.push({ t, texts: texts.filter(Boolean) });
}, SCRAPE_MS);

// --- clients -----------------------------------------------------------------------------------
/** A client that resumes its channels with `since` after every reconnect, to whichever instance is up. */
class Client {
  positions = new Map();
  constructor(index) {
    this.index = index;
    this.sub = `user-${index}`;
    this.channels = [
      `chat:room-${index % 6}`,
      'public:ticker',
      ...(index % 3 === 0 ? [`orders:o-${index}`] : []),
    ];
    this.polling = index % 4 === 0;
    this.preferred = index % 2;
    this.away = false;
  }
  connect() {
    const targets = alive();
    const gateway = targets[this.preferred % targets.length];
    this.socket = io(gateway.url, {
      auth: { token: token({ sub: this.sub, channels: ['chat:*'] }) },
      transports: this.polling ? ['polling'] : ['polling', 'websocket'],
      reconnection: false,
      forceNew: true,
    });
    this.socket.onAny((_event, payload) => {
      if (payload && typeof payload.offset === 'number' && typeof payload.channel === 'string') {
        this.positions.set(payload.channel, { offset: payload.offset, epoch: payload.epoch });
      }
    });
    this.socket.on('connect', () => {
      for (const channel of this.channels) {
        const since = this.positions.get(channel);
        this.socket.emit('subscribe', since ? { channel, since } : { channel }, (ack) => {
          const top = ack?.data;
          if (top?.publications?.length) {
            const last = top.publications.at(-1);
            this.positions.set(channel, { offset: last.offset, epoch: last.epoch });
          } else if (top && typeof top.offset === 'number') {
            this.positions.set(channel, { offset: top.offset, epoch: top.epoch });
          }
        });
      }
    });
    this.socket.on('disconnect', () => {
      if (this.away || this.stopped) return;
      // Back after a random pause, like a stock client's backoff.
      setTimeout(() => this.connect(), 200 + Math.random() * 1500);
    });
    this.socket.on('connect_error', () => {
      if (!this.stopped) setTimeout(() => this.connect(), 500 + Math.random() * 1000);
    });
  }
  drop() {
    this.socket.io.engine.close();
  }
  leave() {
    this.away = true;
    this.socket.close();
  }
  comeBack() {
    this.away = false;
    this.connect();
  }
  stop() {
    this.stopped = true;
    this.socket.close();
  }
}

const clients = Array.from({ length: CLIENTS }, (_, i) => new Client(i));
for (const client of clients) client.connect();

// --- publishers --------------------------------------------------------------------------------
let publishing = true;
let replayKey = 0;
async function post(path, body, headers = {}) {
  const targets = alive();
  const gateway = targets[Math.floor(Math.random() * targets.length)];
  await fetch(gateway.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${service}`, ...headers },
    body: JSON.stringify(body),
  }).catch(() => undefined);
}
async function chatTraffic(intervalMs) {
  while (publishing) {
    const room = Math.floor(Math.random() * 6);
    await post('/api/v1/publish', {
      channel: `chat:room-${room}`,
      event: 'message',
      data: { text: 'hello' },
    });
    await sleep(intervalMs());
  }
}
async function tickerTraffic() {
  while (publishing) {
    const size = 1 + Math.floor(Math.random() * 8);
    const publications = Array.from({ length: size }, (_, i) => ({
      channel: 'public:ticker',
      event: 'tick',
      data: { i },
    }));
    await post('/api/v1/publish/batch', { publications });
    // A caller retrying with its Idempotency-Key: answered from the record, not appended again.
    if (Math.random() >= 0.3) replayKey += 1;
    await post(
      '/api/v1/publish',
      { channel: 'public:ticker', event: 'tick', data: {} },
      { 'idempotency-key': `k-${replayKey}` },
    );
    await sleep(1000);
  }
}
/** Clients asking the backend of `orders` about their order (a forwarded command). */
async function orderTraffic() {
  while (publishing) {
    const client = clients[3 * Math.floor(Math.random() * (CLIENTS / 3))];
    if (client.socket?.connected)
      client.socket.emit('orders.track', { id: `o-${client.index}` }, () => undefined);
    await sleep(300);
  }
}
let chatRate = 250;
void chatTraffic(() => chatRate);
void tickerTraffic();
void orderTraffic();

const at = (seconds) => sleep(Math.max(0, started + seconds * 1000 - Date.now()));
const log = (text) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${text}\n`);

/** Local ports of `pid`'s TCP sockets (from /proc), to find its connections in Redis' CLIENT LIST. */
function localPorts(pid) {
  const inodes = new Set();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const target = (() => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]);
  }
  const ports = new Set();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length > 9 && inodes.has(fields[9])) ports.add(parseInt(fields[1].split(':')[1], 16));
  }
  return ports;
}

/** Closes `gateway`'s Redis connections from the server side (only its own: Redis may be shared). */
async function killRedisConnections(gateway) {
  const ports = localPorts(gateway.child.pid);
  const redis = new Redis(REDIS_URL);
  const list = await redis.client('LIST');
  for (const line of String(list).split('\n')) {
    const id = /\bid=(\d+)/.exec(line)?.[1];
    const port = Number(/\baddr=[^ ]*:(\d+)/.exec(line)?.[1]);
    if (id && ports.has(port)) await redis.client('KILL', 'ID', id);
  }
  await redis.quit();
}

// --- the session -------------------------------------------------------------------------------
// Labelled counters appear at their first increment, and rate() sees no increase before a
// series exists: a little of everything early, so the bursts later show as rates.
await at(6);
log('warm-up: a resume of each kind on each instance, one Redis reconnect');
for (const client of clients.slice(0, 4)) client.drop();
for (const client of clients.slice(10, 12)) {
  // A resume from a position of another epoch (a stream that expired meanwhile): not_recovered.
  for (const namespace of ['chat', 'public']) {
    client.socket.emit(
      'subscribe',
      { channel: `${namespace}:warm-up`, since: { offset: 1, epoch: 'gone' } },
      () => undefined,
    );
  }
}
await killRedisConnections(gateways[0]);

await at(20);
log('refused commands for 10 s: over the rate limit, a forbidden channel, a too deep payload');
let deep = {};
for (let i = 0; i < 64; i += 1) deep = { deep };
for (let second = 0; second < 10; second += 1) {
  for (const noisy of [clients[1], clients[2]]) {
    for (let i = 0; i < 30; i += 1)
      noisy.socket.emit('presence', { channel: `chat:room-${noisy.index % 6}` }, () => undefined);
  }
  for (const client of [clients[3], clients[4]])
    client.socket.emit('subscribe', { channel: 'user:someone-else' }, () => undefined);
  clients[5].socket.emit('subscribe', { channel: 'chat:room-5', extra: deep }, () => undefined);
  await sleep(1000);
}

await at(34);
log('reconnect storm: half the clients lose their transport and come back with `since`');
for (const client of clients.filter((c) => c.index % 2 === 0)) client.drop();

await at(42);
log("Redis drops gw-a's connections (CLIENT KILL): it reconnects; the webhook endpoint fails for 8 s");
await killRedisConnections(gateways[0]);
webhooksFailing = true;
setTimeout(() => (webhooksFailing = false), 8_000);

await at(50);
log('ten clients go away while their rooms are busy (their gap outgrows HISTORY_SIZE)');
const leaving = clients.filter((c) => c.index % 6 === 1).slice(0, 10);
for (const client of leaving) client.leave();
chatRate = 40;
await at(60);
chatRate = 250;
log('they come back: their resumes cannot be recovered, they resync');
for (const client of leaving) client.comeBack();

await at(72);
log('rolling restart: SIGTERM to gw-b, which drains; its clients move to gw-a');
gateways[1].child.kill('SIGTERM');
gateways[1].exited.then(() => {
  gateways[1].alive = false;
  log('gw-b exited');
});
// Clients of gw-b reconnect to whichever instance still accepts them.
for (const client of clients) client.preferred = 0;

await at(100);
log('done');
publishing = false;
clearInterval(scraper);
for (const client of clients) client.stop();
for (const gateway of gateways) gateway.child.kill('SIGTERM');
await Promise.all(gateways.map((g) => g.exited));
backend.close();

const redis = new Redis(REDIS_URL);
let cursor = '0';
do {
  const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
  if (keys.length) await redis.del(...keys);
  cursor = next;
} while (cursor !== '0');
await redis.quit();

/** Only the series the dashboard reads: the recording stays small enough to keep beside the picture. */
const KEEP =
  /^switchboard_(?!process_)|^switchboard_process_(nodejs_eventloop_lag_p99_seconds|nodejs_heap_size_used_bytes|process_resident_memory_bytes)\b/;
const compact = scrapes.map(({ t, texts }) => ({
  t,
  lines: texts.flatMap((text) => text.split('\n').filter((line) => !line.startsWith('#') && KEEP.test(line))),
}));
const recording = {
  recorded: new Date(started).toISOString(),
  scrapeMs: SCRAPE_MS,
  instances: ['gw-a', 'gw-b'],
  scrapes: compact,
};
writeFileSync(OUT, gzipSync(`${JSON.stringify(recording)}\n`, { level: 9 }));
log(`${compact.length} scrapes written to ${OUT}`);
process.exit(0);
