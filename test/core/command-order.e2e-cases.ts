import { startGateway, type RunningGateway } from '../support/gateway.js';
import { barrier, publish } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { collect, command, commandOk } from '../support/socket.js';

/** Commands a client sends back to back, without waiting for each answer. */
describe('commands sent back to back (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway({ MAX_SUBSCRIPTIONS: '2' });
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  it('applies subscribe then unsubscribe in the order sent', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'quick' }));
    const received = collect<{ channel: string }>(socket, 'news.tick');
    const [subscribed, unsubscribed] = await Promise.all([
      command(socket, 'subscribe', { channel: 'public:order' }),
      command(socket, 'unsubscribe', { channel: 'public:order' }),
    ]);
    expect(subscribed.ok).toBe(true);
    expect(unsubscribed.ok).toBe(true);

    await publish(gateway, 'public:order', 'news.tick', { n: 1 });
    await barrier(gateway, socket, 'user:quick');
    expect(received).toEqual([]);

    // And the other way round: the last command wins.
    await Promise.all([
      command(socket, 'unsubscribe', { channel: 'public:order' }),
      command(socket, 'subscribe', { channel: 'public:order' }),
    ]);
    await publish(gateway, 'public:order', 'news.tick', { n: 2 });
    await barrier(gateway, socket, 'user:quick');
    expect(received.map((p) => p.channel)).toEqual(['public:order']);
  });

  it('never exceeds MAX_SUBSCRIPTIONS with parallel subscribes', async () => {
    const socket = await pool.connect(gateway.token({ sub: 'greedy' }));
    const answers = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((name) => command(socket, 'subscribe', { channel: `public:${name}` })),
    );
    expect(answers.filter((answer) => answer.ok)).toHaveLength(2);
    const refused = answers.filter((answer) => !answer.ok);
    expect(refused.map((answer) => !answer.ok && answer.error.code)).toEqual([
      'LIMIT_EXCEEDED',
      'LIMIT_EXCEEDED',
      'LIMIT_EXCEEDED',
    ]);
    // A repeated subscribe of a held channel is idempotent, not a third subscription.
    await commandOk(socket, 'subscribe', { channel: 'public:a' });
  });
});
