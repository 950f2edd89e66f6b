import { jest } from '@jest/globals';
import fc from 'fast-check';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { publish } from '../support/publisher.js';
import { ENGINE_PATH, RawPolling, RawWebSocket } from '../support/raw-engine.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';

jest.setTimeout(180_000);

/**
 * Random and malformed Engine.IO / Socket.IO frames over both transports (issue 9, "fuzz"),
 * about 500 in all: zero crashes or unhandled rejections, every connection afterwards either
 * still answers a command or was closed (never left hanging), and a bystander client is
 * served after every case. Event names Socket.IO itself listens to (`error`, `disconnect`…)
 * are the command dispatcher's own tests, not generated here.
 */
const RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'error',
  'newListener',
  'removeListener',
]);
const COMMANDS = ['subscribe', 'unsubscribe', 'presence', 'auth.refresh', 'chat.send', 'chat.typing'];
const PROBE_ID = 987654;
const PROBE = `42${PROBE_ID}${JSON.stringify(['subscribe', { channel: 'public:fuzz-probe' }])}`;

const eventName = fc
  .oneof(fc.constantFrom(...COMMANDS), fc.string({ maxLength: 20 }), fc.constant('x'.repeat(300)))
  .filter((name) => !RESERVED.has(name));
const argument = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ channel: fc.oneof(fc.string(), fc.constant('public:fuzz'), fc.jsonValue({ maxDepth: 2 })) }),
  fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'channel', 'since'), fc.jsonValue()),
);
const namespace = fc.option(fc.constantFrom('/', '/custom', '//', '/admin', `/${'n'.repeat(200)}`), {
  nil: undefined,
});
const ackId = fc.option(fc.oneof(fc.nat(), fc.constant('99999999999999999999999')), { nil: undefined });

/** A Socket.IO packet inside an Engine.IO message: valid-looking and broken ones alike. */
const socketIoPacket = fc
  .tuple(
    fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', 'x', ''),
    namespace,
    ackId,
    fc.oneof(
      fc
        .tuple(eventName, fc.array(argument, { maxLength: 3 }))
        .map(([name, args]) => JSON.stringify([name, ...args])),
      fc.json({ maxDepth: 3 }),
      fc.string({ maxLength: 80 }),
      fc.constant('["subscribe",{"_placeholder":true,"num":0}]'),
      fc.constant('[]'),
    ),
  )
  .map(
    ([type, nsp, id, payload]) =>
      `4${type}${type === '5' || type === '6' ? '1-' : ''}${nsp ? `${nsp},` : ''}${id ?? ''}${payload}`,
  )
  // A well-formed DISCONNECT leaves the namespace on purpose; nothing is expected after it.
  .filter((frame) => !/^41(\/[^,]*,)?\d*$/.test(frame));

/** An Engine.IO frame: any type character with any body, or raw bytes. */
const engineFrame = fc.oneof(
  fc
    .tuple(fc.constantFrom('0', '1', '2', '3', '5', '6', '7', '9', 'b', ''), fc.string({ maxLength: 80 }))
    .map(([type, body]) => type + body),
  fc.string({ maxLength: 120 }),
);
const binary = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes));

/**
 * Well-formed frames with hostile content: any event name and arguments (with or without an
 * ack id), connects to namespaces that do not exist, stray acks, pongs and noops. After them
 * the connection must still answer. (Socket.IO closes the connection, as it should, on a
 * second connect to `/`, on a connect without an object payload and on a packet for a
 * namespace the client is not in: those are among the broken frames.)
 */
const wellFormed = fc.oneof(
  fc
    .tuple(fc.option(fc.nat(), { nil: undefined }), eventName, fc.array(argument, { maxLength: 3 }))
    .map(([id, name, args]) => `42${id ?? ''}${JSON.stringify([name, ...args])}`),
  fc
    .tuple(
      fc.constantFrom('/custom', '/admin', '//', `/${'n'.repeat(200)}`),
      fc.dictionary(fc.string(), fc.jsonValue()),
    )
    .map(([nsp, auth]) => `40${nsp},${JSON.stringify(auth)}`),
  fc
    .tuple(fc.nat(), fc.array(argument, { maxLength: 2 }))
    .map(([id, args]) => `43${id}${JSON.stringify(args)}`),
  fc.constantFrom('3', '6'),
);
/** Anything at all, most of which the parsers refuse (the connection is then closed). */
const anyText = fc.oneof(socketIoPacket, engineFrame);

/** Most cases are well-formed only (the connection must answer after them), the rest anything. */
function casesOf<T>(hostile: fc.Arbitrary<T>, broken: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.array(hostile, { minLength: 1, maxLength: 8 }) },
    { weight: 2, arbitrary: fc.array(fc.oneof(hostile, broken), { minLength: 1, maxLength: 6 }) },
  );
}
const wsFrames = casesOf<string | Buffer>(
  wellFormed,
  fc.oneof({ weight: 4, arbitrary: anyText }, { weight: 1, arbitrary: binary }),
);
const pollingFrames = casesOf<string>(
  wellFormed,
  fc.oneof(
    { weight: 4, arbitrary: anyText },
    { weight: 1, arbitrary: binary.map((bytes) => `b${bytes.toString('base64')}`) },
  ),
);

type Outcome = 'answered' | 'closed';

describe('fuzz: random and malformed Engine.IO / Socket.IO frames', () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  const outcomes: Record<string, Record<Outcome, number>> = {};
  let frames = 0;
  let gateway: RunningGateway;
  let bystander: ClientSocket;
  let heapBefore = 0;

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    gateway = await startGateway();
    bystander = await connect(gateway.url, gateway.token({ sub: 'bystander' }));
    await commandOk(bystander, 'subscribe', { channel: 'public:fuzz' });
    heapBefore = process.memoryUsage().heapUsed;
  });
  afterAll(async () => {
    const heapMb = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MB`;
    console.info(
      `fuzz: ${frames} frames; outcomes ${JSON.stringify(outcomes)}; heap ${heapMb(heapBefore)} → ${heapMb(process.memoryUsage().heapUsed)}`,
    );
    bystander?.close();
    await gateway?.close();
    process.off('unhandledRejection', onRejection);
  });

  function record(transport: string, outcome: Outcome): void {
    outcomes[transport] ??= { answered: 0, closed: 0 };
    outcomes[transport][outcome] += 1;
  }

  /** The bystander still gets publications, and the process still answers health checks. */
  async function bystanderServed(): Promise<void> {
    const marker = Math.random().toString(36).slice(2);
    const arrived = waitForEvent(bystander, 'fuzz.marker', { filter: (p) => p['data'] === marker });
    await publish(gateway, 'public:fuzz', 'fuzz.marker', marker);
    await arrived;
    expect((await fetch(`${gateway.url}/health/live`)).status).toBe(200);
  }

  it('over WebSocket: each connection answers afterwards or is closed', async () => {
    await fc.assert(
      fc.asyncProperty(wsFrames, async (sent) => {
        frames += sent.length;
        const raw = await RawWebSocket.handshake(gateway.url, { token: gateway.token({ sub: 'fuzzer' }) });
        try {
          for (const frame of sent) raw.send(frame);
          raw.send(PROBE);
          const outcome = await Promise.race([
            raw
              .next((f) => f.startsWith(`43${PROBE_ID}[`), 5_000)
              .then((f): Outcome => {
                expect(JSON.parse(f.slice(2 + String(PROBE_ID).length))).toMatchObject([{ ok: true }]);
                return 'answered';
              }),
            raw.closed.then((): Outcome => 'closed'),
          ]);
          record('websocket', outcome);
        } finally {
          raw.close();
        }
        await bystanderServed();
      }),
      { numRuns: 60 },
    );
    expect(rejections).toEqual([]);
  });

  /** Polls until the probe's ack arrives or the session turns out closed. */
  async function pollForProbe(session: RawPolling): Promise<Outcome> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const { status, frames: received } = await session.poll(6_000);
      if (status !== 200 || received.includes('1')) return 'closed';
      const ack = received.find((f) => f.startsWith(`43${PROBE_ID}[`));
      if (ack) {
        expect(JSON.parse(ack.slice(2 + String(PROBE_ID).length))).toMatchObject([{ ok: true }]);
        return 'answered';
      }
    }
    throw new Error('the session neither answered the probe nor closed');
  }

  it('over HTTP long-polling: each session answers afterwards or is closed', async () => {
    await fc.assert(
      fc.asyncProperty(pollingFrames, async (sent) => {
        frames += sent.length;
        const session = await RawPolling.open(gateway.url);
        expect(
          (await session.post(`40${JSON.stringify({ token: gateway.token({ sub: 'fuzzer' }) })}`)).body,
        ).toBe('ok');
        expect((await session.poll()).frames[0]).toMatch(/^40\{/);
        let outcome: Outcome;
        const posted = await session.post(...sent);
        if (posted.status !== 200) {
          outcome = 'closed';
          expect(posted.status).toBe(400);
        } else {
          const probed = await session.post(PROBE);
          outcome = probed.status === 200 ? await pollForProbe(session) : 'closed';
        }
        record('polling', outcome);
        await bystanderServed();
      }),
      { numRuns: 40 },
    );
    expect(rejections).toEqual([]);
  });

  it('over raw HTTP: every malformed Engine.IO request is answered with a client error', async () => {
    const query = fc.record({
      EIO: fc.option(fc.constantFrom('4', '3', '5', 'x', ''), { nil: undefined }),
      transport: fc.option(fc.constantFrom('polling', 'websocket', 'webtransport', 'x', ''), {
        nil: undefined,
      }),
      sid: fc.option(fc.oneof(fc.string({ maxLength: 30 }), fc.constant('A'.repeat(20))), { nil: undefined }),
      j: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        query,
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        async (params, method, body) => {
          frames += 1;
          const search = new URLSearchParams(
            Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
          );
          const response = await fetch(`${gateway.url}${ENGINE_PATH.split('?')[0]}?${search.toString()}`, {
            method,
            body: method === 'GET' ? undefined : body,
            signal: AbortSignal.timeout(10_000),
          });
          await response.arrayBuffer();
          // A valid polling handshake (200) is possible by chance; nothing may be a 5xx.
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    await bystanderServed();
    expect(rejections).toEqual([]);
  });
});
