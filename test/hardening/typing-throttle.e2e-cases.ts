import { GatewayPair } from '../redis/support/gateway-pair.js';
import { type ClientSocket, connect } from '../support/socket.js';

interface TypingEvent {
  readonly data: { readonly userId: string };
  readonly ts: number;
}

const command = (socket: ClientSocket, name: string, payload: unknown): Promise<{ ok: boolean }> =>
  socket.timeout(10_000).emitWithAck(name, payload) as Promise<{ ok: boolean }>;

/**
 * Issue 17 item 5 (contract v3 §5): one user's `chat.typing` reaches a room at most once a
 * second, whatever its number of connections and instances; the rest are acknowledged and
 * dropped. One user with 10 connections on two gateways sharing Redis types as fast as it can;
 * a bystander on each gateway counts what reaches it.
 */
describe('typing amplification: at most one chat.typing per user per room per second, cluster-wide', () => {
  const pair = new GatewayPair('typing');
  afterAll(() => pair.stop());

  it("fans one user's burst from 10 connections on 2 instances out at most once a second", async () => {
    const [a, b] = await pair.start({ RATE_LIMIT_PER_SECOND: '100', RATE_LIMIT_BURST: '100' });
    const grant = { channels: ['chat:typing-room'] };
    const typist = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a)).map((gateway) =>
        connect(gateway.url, gateway.token({ sub: 'typist', ...grant })),
      ),
    );
    const bystanders = await Promise.all(
      [a, b].map((gateway, i) => connect(gateway.url, gateway.token({ sub: `bystander-${i}`, ...grant }))),
    );
    const other = await connect(b.url, b.token({ sub: 'other', ...grant }));
    pair.track(...typist, ...bystanders, other);
    for (const socket of [...typist, ...bystanders, other]) {
      expect(await command(socket, 'subscribe', { channel: 'chat:typing-room' })).toMatchObject({ ok: true });
    }
    const seen = bystanders.map(() => [] as TypingEvent[]);
    bystanders.forEach((socket, i) => socket.on('chat.typing', (event: TypingEvent) => seen[i].push(event)));

    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        command(typist[i % typist.length], 'chat.typing', { room: 'typing-room' }),
      ),
    );
    const elapsedMs = Date.now() - started;
    // Every one acknowledged: the ones over the limit are dropped, not refused.
    expect(answers.every((answer) => answer.ok)).toBe(true);

    // Another user's typing is not held back by the typist's, and reaches each bystander after
    // whatever of the burst reached it (one adapter, in order per instance).
    const markers = bystanders.map(
      (socket) =>
        new Promise<void>((resolve) =>
          socket.on('chat.typing', (event: TypingEvent) => event.data.userId === 'other' && resolve()),
        ),
    );
    expect(await command(other, 'chat.typing', { room: 'typing-room' })).toMatchObject({ ok: true });
    await Promise.all(markers);

    // The server handled the burst within `elapsedMs`: claims a second apart fit at most once
    // per started second of it. 200 commands would have been 200 fan-outs without the limit.
    const allowed = Math.floor(elapsedMs / 1000) + 1;
    for (const events of seen) {
      const fromTypist = events.filter((event) => event.data.userId === 'typist');
      expect(fromTypist.length).toBeGreaterThanOrEqual(1);
      expect(fromTypist.length).toBeLessThanOrEqual(allowed);
    }
    console.info(
      `typing burst: 200 chat.typing from 10 connections on 2 instances over ${elapsedMs} ms; ` +
        `the bystanders got ${seen.map((events) => events.filter((e) => e.data.userId === 'typist').length).join(' and ')}`,
    );
  });
});
