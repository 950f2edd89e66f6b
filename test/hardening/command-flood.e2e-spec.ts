import { jest } from '@jest/globals';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { SocketPool } from '../support/socket-pool.js';
import { type AckResponse, type ClientSocket, commandOk, disconnected } from '../support/socket.js';

jest.setTimeout(60_000);

/** Issue 9, floods: 1,000 commands a second from one socket. */
const RATE = 1_000;
const TICK_MS = 10;

interface Flood {
  ok: number;
  limited: number;
  other: number;
  sent: number;
  /** Client clock (ms): first send, send of the last answered command, first and last answer. */
  firstSend: number;
  lastAnsweredSend: number;
  firstAck: number;
  lastAck: number;
}

/**
 * Sends `subscribe` at {@link RATE} a second (a batch every {@link TICK_MS}) for `durationMs`
 * or until the socket is disconnected, then waits for every answer the server gives.
 */
async function flood(socket: ClientSocket, durationMs: number): Promise<Flood> {
  const result: Flood = {
    ok: 0,
    limited: 0,
    other: 0,
    sent: 0,
    firstSend: 0,
    lastAnsweredSend: 0,
    firstAck: 0,
    lastAck: 0,
  };
  const pending = new Set<number>();
  let allAnswered: () => void = () => undefined;
  const send = (): void => {
    const id = result.sent++;
    const sentAt = Date.now();
    if (id === 0) result.firstSend = sentAt;
    pending.add(id);
    socket.emit('subscribe', { channel: 'public:flood' }, (answer: AckResponse) => {
      const now = Date.now();
      result.firstAck ||= now;
      result.lastAck = now;
      result.lastAnsweredSend = Math.max(result.lastAnsweredSend, sentAt);
      if (answer.ok) result.ok++;
      else if (answer.error.code === 'RATE_LIMITED') result.limited++;
      else result.other++;
      pending.delete(id);
      if (pending.size === 0) allAnswered();
    });
  };
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!socket.connected || Date.now() - started >= durationMs) {
        clearInterval(timer);
        return resolve();
      }
      for (let n = 0; n < (RATE * TICK_MS) / 1000; n++) send();
    }, TICK_MS);
  });
  // Answers still on their way; once disconnected, the rest will never come.
  if (socket.connected && pending.size > 0) {
    await new Promise<void>((resolve) => {
      allAnswered = resolve;
      setTimeout(resolve, 10_000).unref();
    });
  }
  return result;
}

/**
 * What a token bucket of `burst` refilled at `perSecond` must have let through, given what the
 * client saw: the server decided on every answered command between the first send and the
 * last answer, and at least from the first answer to the send of the last answered command.
 */
function expectBucketExact(f: Flood, perSecond: number, burst: number): void {
  const most = burst + Math.floor((perSecond * (f.lastAck - f.firstSend)) / 1000) + 1;
  const least = burst + Math.floor((perSecond * Math.max(0, f.lastAnsweredSend - f.firstAck)) / 1000) - 1;
  expect(f.ok).toBeGreaterThanOrEqual(least);
  expect(f.ok).toBeLessThanOrEqual(most);
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
        const answer = await commandOk(socket, 'subscribe', { channel: 'public:bystander' }).then(
          () => true,
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
    const gone = disconnected(flooder, 20_000);
    const result = await flood(flooder, 10_000);
    expect(await gone).toBe('io server disconnect');
    const served = await bystander.stop();
    console.info(
      `flood at ${RATE}/s with 20/s burst 40: sent ${result.sent} in ${result.lastAck - result.firstSend} ms, ` +
        `${result.ok} ok, ${result.limited} RATE_LIMITED, disconnected; bystander ${served.answered} answered, ${served.failed} failed`,
    );
    // More than 10 × burst refusals within 10 s: the 401st is answered, then the disconnect.
    expect(result.limited).toBe(401);
    expect(result.other).toBe(0);
    expectBucketExact(result, 20, 40);
    expect(served).toMatchObject({ failed: 0 });
    expect(served.answered).toBeGreaterThan(0);
    expect((await request(gateway.url, 'GET', '/health/live')).status).toBe(200);
  });

  it('a bucket large enough not to trip the abuse limit: 3 s of flood all answered, exactly the bucket let through', async () => {
    const [perSecond, burst] = [100, 500];
    gateway = await startGateway({
      RATE_LIMIT_PER_SECOND: String(perSecond),
      RATE_LIMIT_BURST: String(burst),
    });
    const flooder = await pool.connect(gateway.token({ sub: 'flooder' }));
    const bystander = bystanderLoop(await pool.connect(gateway.token({ sub: 'bystander' })));
    const result = await flood(flooder, 3_000);
    const served = await bystander.stop();
    const seconds = (result.lastAck - result.firstSend) / 1000;
    console.info(
      `flood at ${RATE}/s with ${perSecond}/s burst ${burst}: ${result.sent} sent over ${seconds.toFixed(2)} s ` +
        `(${Math.round(result.sent / seconds)}/s), ${result.ok} ok, ${result.limited} RATE_LIMITED; ` +
        `bystander ${served.answered} answered, ${served.failed} failed`,
    );
    expect(flooder.connected).toBe(true);
    expect(result.ok + result.limited).toBe(result.sent);
    expect(result.other).toBe(0);
    expectBucketExact(result, perSecond, burst);
    expect(served).toMatchObject({ failed: 0 });
    expect(served.answered).toBeGreaterThan(0);
    expect((await request(gateway.url, 'GET', '/health/live')).status).toBe(200);
  });
});
