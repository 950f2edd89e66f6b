import { jest } from '@jest/globals';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { SocketPool } from '../support/socket-pool.js';
import { type AckResponse, type ClientSocket, command, disconnected } from '../support/socket.js';

jest.setTimeout(60_000);

/** Issue 9, floods: 1,000 commands a second from one socket. */
const RATE = 1_000;
const TICK_MS = 10;

/** One command of a flood, as the client saw it (client clock, ms). */
interface Sent {
  sentAt: number;
  ackAt?: number;
  result?: 'ok' | 'limited' | 'other';
}

interface Flood {
  /** Every command sent, in send order: the order the server decides them in. */
  commands: Sent[];
  ok: number;
  limited: number;
  other: number;
  sent: number;
}

interface FloodOptions {
  /** Stop sending once this returns true (checked every tick). */
  until: (flood: Flood) => boolean;
  /** Never send more than this many. */
  maxSent: number;
}

/**
 * Sends `subscribe` at {@link RATE} a second until `until` says enough or the socket is
 * disconnected, then waits for every answer the server gives. Each tick sends what the rate
 * owes since the start, so a late timer (a busy machine) sends more at once instead of
 * flooding slower than the bucket refills.
 */
async function flood(socket: ClientSocket, { until, maxSent }: FloodOptions): Promise<Flood> {
  const result: Flood = { commands: [], ok: 0, limited: 0, other: 0, sent: 0 };
  let pending = 0;
  let allAnswered: () => void = () => undefined;
  const send = (): void => {
    const entry: Sent = { sentAt: Date.now() };
    result.commands.push(entry);
    result.sent++;
    pending++;
    socket.emit('subscribe', { channel: 'public:flood' }, (answer: AckResponse) => {
      entry.ackAt = Date.now();
      entry.result = answer.ok ? 'ok' : answer.error.code === 'RATE_LIMITED' ? 'limited' : 'other';
      result[entry.result]++;
      if (--pending === 0) allAnswered();
    });
  };
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!socket.connected || until(result) || result.sent >= maxSent) {
        clearInterval(timer);
        return resolve();
      }
      const owed = Math.min(maxSent, Math.floor(((Date.now() - started) * RATE) / 1000) + 1);
      while (result.sent < owed) send();
    }, TICK_MS);
  });
  // Answers still on their way; once disconnected, the rest will never come.
  if (socket.connected && pending > 0) {
    await new Promise<void>((resolve) => {
      allAnswered = resolve;
      setTimeout(resolve, 20_000).unref();
    });
  }
  return result;
}

/** The first command refused for the rate, as the client saw it; undefined while none is. */
const firstRefusal = (f: Flood): Sent | undefined => f.commands.find((c) => c.result === 'limited');

/**
 * What a token bucket of `burst` refilled at `perSecond` must have decided, given what the
 * client saw. The server decides the commands of one socket in the order they were sent, each
 * at some moment between its send and its answer. F is the first refusal and L the last:
 * - before F every command was let through, and there were at least `burst` of them (the
 *   bucket starts full) and at most `burst` plus the refill until F was decided;
 * - the bucket held less than one token at F and again at L, so what it let through between
 *   them is its refill over the time the server took from F to L, to within one token. That
 *   time is at least L's send minus F's answer and at most L's answer minus F's send: a busy
 *   machine widens the bounds by its latency, it never breaks them.
 */
function expectTokenBucket(f: Flood, perSecond: number, burst: number): void {
  const answered = f.commands.filter((c) => c.result !== undefined);
  const first = answered.findIndex((c) => c.result === 'limited');
  let last = first;
  for (let index = answered.length - 1; index > first; index--) {
    if (answered[index].result === 'limited') {
      last = index;
      break;
    }
  }
  expect(first).toBeGreaterThanOrEqual(burst);
  const [start, F, L] = [answered[0], answered[first], answered[last]];
  expect(first).toBeLessThanOrEqual(burst + Math.ceil((perSecond * (F.ackAt! - start.sentAt)) / 1000));
  const between = answered.slice(first + 1, last).filter((c) => c.result === 'ok').length;
  const least = Math.floor((perSecond * (L.sentAt - F.ackAt!)) / 1000) - 1;
  const most = Math.ceil((perSecond * (L.ackAt! - F.sentAt)) / 1000) + 1;
  console.info(
    `bucket ${perSecond}/s burst ${burst}: ${first} ok before the first refusal, ` +
      `${between} ok between it and the last (${least}..${most} allowed), ${f.sent} sent`,
  );
  expect(between).toBeGreaterThanOrEqual(least);
  expect(between).toBeLessThanOrEqual(most);
}

describe('1,000 commands a second from one socket', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  afterEach(async () => {
    pool.closeAll();
    await gateway.close();
  });

  /** A second client issuing a command every 50 ms while the flood runs; resolves with how many it got. */
  function bystanderLoop(socket: ClientSocket): {
    stop: () => Promise<{ answered: number; failed: number }>;
  } {
    let answered = 0;
    let failed = 0;
    let running = true;
    const loop = (async () => {
      while (running) {
        // A generous bound: the flood shares the server (and the machine) with it.
        const answer = await command(socket, 'subscribe', { channel: 'public:bystander' }, 15_000).then(
          (ack) => ack.ok,
          () => false,
        );
        if (answer) answered++;
        else failed++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return { answered, failed };
      },
    };
  }

  it('contract defaults (20/s, burst 40): the bucket exactly, then a disconnect at the 401st refusal; others served', async () => {
    gateway = await startGateway();
    const flooder = await pool.connect(gateway.token({ sub: 'flooder' }));
    const bystander = bystanderLoop(await pool.connect(gateway.token({ sub: 'bystander' })));
    const gone = disconnected(flooder, 30_000);
    // Sent until the server disconnects: 40 let through, 401 refused, what refilled meanwhile.
    const result = await flood(flooder, { until: () => false, maxSent: 2_000 });
    expect(await gone).toBe('io server disconnect');
    const served = await bystander.stop();
    console.info(
      `flood at ${RATE}/s with 20/s burst 40: sent ${result.sent}, ${result.ok} ok, ` +
        `${result.limited} RATE_LIMITED, disconnected; bystander ${served.answered} answered, ${served.failed} failed`,
    );
    // More than 10 × burst refusals within 10 s: the 401st is answered, then the disconnect.
    expect(result.limited).toBe(401);
    expect(result.other).toBe(0);
    expectTokenBucket(result, 20, 40);
    expect(served).toMatchObject({ failed: 0 });
    expect(served.answered).toBeGreaterThan(0);
    expect((await request(gateway.url, 'GET', '/health/live')).status).toBe(200);
  });

  it('a bucket large enough not to trip the abuse limit: a flood past the burst all answered, exactly the bucket let through', async () => {
    const [perSecond, burst] = [100, 500];
    gateway = await startGateway({
      RATE_LIMIT_PER_SECOND: String(perSecond),
      RATE_LIMIT_BURST: String(burst),
    });
    const flooder = await pool.connect(gateway.token({ sub: 'flooder' }));
    const bystander = bystanderLoop(await pool.connect(gateway.token({ sub: 'bystander' })));
    // Until the bucket has been empty for 2 s as the client saw it (so its refill is what the
    // assertion measures), and never more than the abuse limit's 10 × burst refusals.
    const result = await flood(flooder, {
      until: (f) => {
        const refused = firstRefusal(f);
        return refused?.ackAt !== undefined && Date.now() - refused.ackAt >= 2_000;
      },
      maxSent: 9 * burst,
    });
    const served = await bystander.stop();
    console.info(
      `flood at ${RATE}/s with ${perSecond}/s burst ${burst}: ${result.sent} sent, ${result.ok} ok, ` +
        `${result.limited} RATE_LIMITED; bystander ${served.answered} answered, ${served.failed} failed`,
    );
    expect(flooder.connected).toBe(true);
    expect(result.ok + result.limited).toBe(result.sent);
    expect(result.other).toBe(0);
    expectTokenBucket(result, perSecond, burst);
    expect(served).toMatchObject({ failed: 0 });
    expect(served.answered).toBeGreaterThan(0);
    expect((await request(gateway.url, 'GET', '/health/live')).status).toBe(200);
  });
});
