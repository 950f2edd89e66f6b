/**
 * The floor: no Socket.IO server at all. A raw `ws` server that speaks just enough of the
 * Engine.IO 4 / Socket.IO 5 protocol for socket.io-client over WebSocket (open, connect,
 * acked subscribe, ping), and delivers a publication by serialising its Socket.IO frame once
 * and sending those same bytes to every subscriber. Nothing can deliver for less CPU.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import jwt from 'jsonwebtoken';
import { type WebSocket, WebSocketServer } from 'ws';

type Claims = jwt.JwtPayload & { roles?: string[] };
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? '', 'utf8'));
const verify = (token: unknown) => jwt.verify(String(token), key, { algorithms: ['HS256'] }) as Claims;
const PING_INTERVAL_MS = 25_000;
const rooms = new Map<string, Set<WebSocket>>();
const offsets = new Map<string, number>();
const epoch = 'floor';

/** Engine.IO `4` (message), Socket.IO `2` (event), the ack id, the JSON arguments. */
const EVENT = /^42(\d*)(\[.*)$/s;

function onMessage(ws: WebSocket, text: string): void {
  if (text === '3') return; // pong
  if (text.startsWith('40')) {
    const auth = JSON.parse(text.slice(2) || '{}') as { token?: string };
    verify(auth.token);
    ws.send(`40${JSON.stringify({ sid: randomBytes(10).toString('base64url') })}`);
    return;
  }
  const match = EVENT.exec(text);
  if (!match) return;
  const [name, payload] = JSON.parse(match[2]) as [string, { channel: string }];
  if (name !== 'subscribe') return;
  const { channel } = payload;
  const room = rooms.get(channel) ?? new Set<WebSocket>();
  rooms.set(channel, room.add(ws));
  ws.once('close', () => room.delete(ws));
  const answer = { ok: true, data: { channel, offset: offsets.get(channel) ?? 0, epoch } };
  ws.send(`43${match[1]}${JSON.stringify([answer])}`);
}

function publish(channel: string, event: string, data: unknown) {
  const offset = (offsets.get(channel) ?? 0) + 1;
  offsets.set(channel, offset);
  const publication = { channel, event, offset, epoch, data, ts: Date.now() };
  const frame = Buffer.from(`42${JSON.stringify([event, publication])}`);
  for (const ws of rooms.get(channel) ?? []) ws.send(frame, { binary: false });
  return { channel, event, offset, epoch };
}

async function rest(req: IncomingMessage): Promise<[number, unknown]> {
  if (req.url === '/health/ready') return [200, { status: 'ok' }];
  if (req.method !== 'POST' || req.url !== '/api/v1/publish') return [404, {}];
  if (!verify(req.headers.authorization?.replace(/^Bearer /i, '')).roles?.includes('service'))
    return [403, {}];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString()) as {
    channel: string;
    event: string;
    data: unknown;
  };
  return [201, publish(body.channel, body.event, body.data)];
}

const http = createServer((req, res) => {
  rest(req).then(
    ([status, body]) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    () => res.writeHead(401).end(),
  );
});
const wss = new WebSocketServer({ server: http, path: '/socket.io/' });
wss.on('connection', (ws) => {
  const open = { sid: randomBytes(10).toString('base64url'), upgrades: [], pingInterval: PING_INTERVAL_MS };
  ws.send(`0${JSON.stringify({ ...open, pingTimeout: 20_000, maxPayload: 1_000_000 })}`);
  ws.on('message', (data: Buffer) => {
    try {
      onMessage(ws, data.toString());
    } catch {
      ws.close();
    }
  });
});
setInterval(() => wss.clients.forEach((ws) => ws.send('2')), PING_INTERVAL_MS).unref();
http.listen(Number(process.env.PORT), process.env.HOST);
