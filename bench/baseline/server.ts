/**
 * The hand-written server Switchboard is measured against: what a team would write in ~100
 * lines with plain socket.io + jsonwebtoken (+ @socket.io/redis-adapter when REDIS_URL is
 * set). Same subscribe ack, same REST publish and event shapes, a per-channel offset
 * counter, and none of Switchboard's guarantees (no history, presence, occupancy, limits,
 * recovery). Its `subscribe` does what a careful team's would: validate the channel name,
 * check the permission the token grants, join the room, ack. The JWT key is a KeyObject made
 * once and there is no CORS middleware: the baseline gets every shortcut a careful author
 * would take.
 */
import { createSecretKey, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { Server } from 'socket.io';

type Ack = (answer: unknown) => void;
type Claims = jwt.JwtPayload & { sub: string; name?: string; roles?: string[]; channels?: string[] };
const key = createSecretKey(Buffer.from(process.env.JWT_SECRET ?? '', 'utf8'));
const verify = (token: unknown) => jwt.verify(String(token), key, { algorithms: ['HS256'] }) as Claims;
const redisUrl = process.env.REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl) : undefined;
const prefix = process.env.REDIS_KEY_PREFIX ?? 'baseline:';
const epoch = 'baseline';
const offsets = new Map<string, number>();
const CHANNEL = /^([a-z][a-z0-9-]{0,31}):([A-Za-z0-9_.@=|-]{1,128})$/;

const refuse = (code: string, message: string) => ({ ok: false, error: { code, message } });

/** The contract's namespaces: own personal channel, chat rooms the token grants, public. */
function mayUse(user: Claims, namespace: string, name: string, channel: string): boolean | undefined {
  if (user.roles?.includes('admin')) return true;
  if (namespace === 'user') return name === user.sub;
  if (namespace === 'public') return true;
  if (namespace !== 'chat') return undefined;
  return (user.channels ?? []).some((grant) =>
    grant.endsWith('*') ? channel.startsWith(grant.slice(0, -1)) : grant === channel,
  );
}

async function publish(channel: string, event: string, data: unknown) {
  const offset = redis ? await redis.incr(`${prefix}${channel}`) : (offsets.get(channel) ?? 0) + 1;
  offsets.set(channel, offset);
  io.to(channel).emit(event, { channel, event, offset, epoch, data, ts: Date.now() });
  return { channel, event, offset, epoch };
}

async function rest(req: IncomingMessage): Promise<[number, unknown]> {
  if (req.url === '/health/ready') return [200, { status: 'ok' }];
  if (req.method !== 'POST' || !req.url?.startsWith('/api/v1/publish')) return [404, {}];
  let claims: Claims;
  try {
    claims = verify(req.headers.authorization?.replace(/^Bearer /i, ''));
  } catch {
    return [401, {}];
  }
  if (!claims.roles?.includes('service')) return [403, {}];
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString()) as {
    channel: string;
    event: string;
    data: unknown;
  };
  if (req.url === '/api/v1/publish') return [201, await publish(body.channel, body.event, body.data)];
  const { publications } = body as unknown as { publications: (typeof body)[] };
  const results = [];
  for (const p of publications) results.push(await publish(p.channel, p.event, p.data));
  return [200, { results }];
}

const http = createServer((req, res) => {
  rest(req).then(
    ([status, body]) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
    () => res.writeHead(400).end(),
  );
});
// No `cors` option: the bench's clients send no Origin, and a same-origin deployment needs none.
const io = new Server(http);
if (redis) io.adapter(createAdapter(redis, redis.duplicate(), { key: `${prefix}socket.io` }));

io.use((socket, next) => {
  try {
    const auth = socket.handshake.auth as { token?: string };
    socket.data = verify(auth.token ?? socket.handshake.headers.authorization?.replace(/^Bearer /i, ''));
    next();
  } catch {
    next(new Error('UNAUTHORIZED'));
  }
});
io.on('connection', (socket) => {
  const user = socket.data as Claims;
  void socket.join(`user:${user.sub}`);
  socket.on('subscribe', (payload: { channel?: unknown } | undefined, ack: Ack) => {
    if (typeof ack !== 'function') return;
    const requested = payload?.channel;
    const match = typeof requested === 'string' ? CHANNEL.exec(requested) : null;
    if (!match) return ack(refuse('BAD_REQUEST', 'invalid channel'));
    const [channel, namespace, name] = match;
    const allowed = mayUse(user, namespace, name, channel);
    if (allowed === undefined) return ack(refuse('NOT_FOUND', 'unknown namespace'));
    if (!allowed) return ack(refuse('FORBIDDEN', 'not allowed'));
    void socket.join(channel);
    const top = redis ? redis.get(`${prefix}${channel}`) : Promise.resolve(offsets.get(channel));
    void top.then((offset) => ack({ ok: true, data: { channel, offset: Number(offset ?? 0), epoch } }));
  });
  socket.on('chat.send', ({ room, text }: { room: string; text: string }, ack: Ack) => {
    const id = randomUUID();
    const from = { userId: user.sub, name: user.name };
    void publish(`chat:${room}`, 'chat.message', { id, room, text, from }).then(({ offset }) =>
      ack({ ok: true, data: { id, offset } }),
    );
  });
});
http.listen(Number(process.env.PORT), process.env.HOST);
