import { SwitchboardClient, SwitchboardError, type PresenceEvent } from '@switchboard/client';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { nextEvent, publish, Received } from './support/client-harness.js';

interface ChatMessage {
  id: string;
  text: string;
  clientId?: string;
  from: { userId: string };
}

describe('client SDK: subscriptions and typed commands against a real gateway', () => {
  let gateway: RunningGateway;
  const clients: SwitchboardClient[] = [];
  const client = (sub: string, extra: Partial<ConstructorParameters<typeof SwitchboardClient>[1]> = {}) => {
    const created = new SwitchboardClient(gateway.url, {
      token: gateway.token({ sub, name: sub.toUpperCase(), channels: ['chat:*'] }),
      transports: ['websocket'],
      ...extra,
    });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => gateway.close());

  it('hands over publications once each, in offset order, from the subscription on', async () => {
    const alice = client('alice');
    await alice.connect();
    const received = new Received<{ n: number }>();
    const subscription = alice.subscribe('public:orders', received.handler);
    const ack = await subscription.ready;
    for (let n = 1; n <= 5; n++) await publish(gateway, 'public:orders', 'order.created', { n });
    await received.until(5);
    expect(received.offsets).toEqual([1, 2, 3, 4, 5].map((n) => ack.offset + n));
    expect(received.publications.map((p) => p.data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(subscription.position).toEqual({ offset: ack.offset + 5, epoch: ack.epoch });
  });

  it('chat.send generates a clientId, and a repeated clientId publishes nothing new', async () => {
    const alice = client('alice');
    await alice.connect();
    const received = new Received<ChatMessage>();
    await alice.subscribe('chat:retry', received.handler).ready;
    const first = await alice.chat.send('retry', 'hello');
    expect(first.clientId).toMatch(/^[0-9a-f]{32}$/);
    const again = await alice.chat.send('retry', 'hello', { clientId: first.clientId });
    expect(again).toEqual(first);
    await received.until(1);
    expect(received.publications[0].data).toMatchObject({
      id: first.id,
      clientId: first.clientId,
      text: 'hello',
    });
    // A later message proves the repeat published nothing in between.
    const next = await alice.chat.send('retry', 'next');
    expect(next.offset).toBe(first.offset + 1);
  });

  it('rejects refused commands with a typed SwitchboardError carrying the contract code', async () => {
    const mallory = client('mallory', {
      token: gateway.token({ sub: 'mallory', channels: ['chat:mine'] }),
    });
    await mallory.connect();
    const refused = await mallory.chat.send('elsewhere', 'hi').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SwitchboardError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', command: 'chat.send' });
    await expect(mallory.presence('public:orders')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const invalid = await mallory.chat.send('mine', '   ').catch((error: unknown) => error);
    expect(invalid).toMatchObject({ code: 'BAD_REQUEST' });
    expect(Array.isArray((invalid as SwitchboardError).details)).toBe(true);
  });

  it('a refused subscription rejects ready and reports subscription.error', async () => {
    const alice = client('alice');
    await alice.connect();
    const failed = nextEvent(alice, 'subscription.error');
    const subscription = alice.subscribe('nowhere:x', () => undefined);
    await expect(subscription.ready).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await failed).toMatchObject({ channel: 'nowhere:x', error: { code: 'NOT_FOUND' } });
    expect(subscription.active).toBe(false);
    expect(alice.subscription('nowhere:x')).toBeUndefined();
  });

  it('presence and typing reach the subscription as typed events', async () => {
    const alice = client('alice');
    const bob = client('bob');
    await Promise.all([alice.connect(), bob.connect()]);
    const room = alice.subscribe('chat:team', () => undefined);
    await room.ready;
    const joined = nextEvent(room, 'presence.join', {
      filter: (e: PresenceEvent) => e.data.userId === 'bob',
    });
    await bob.subscribe('chat:team', () => undefined).ready;
    expect((await joined).data).toEqual({ userId: 'bob', name: 'BOB' });
    expect((await alice.presence('chat:team')).map((u) => u.userId).sort()).toEqual(['alice', 'bob']);

    const typing = nextEvent(room, 'chat.typing');
    await bob.chat.typing('team');
    expect((await typing).data.userId).toBe('bob');

    const left = nextEvent(room, 'presence.leave');
    await bob.close();
    expect((await left).data.userId).toBe('bob');
  });

  it('unsubscribe stops delivery and leaves the channel on the server', async () => {
    const alice = client('alice');
    await alice.connect();
    const received = new Received();
    const subscription = alice.subscribe('public:quiet', received.handler);
    await subscription.ready;
    await subscription.unsubscribe();
    // A raw listener on the stock socket proves the server no longer sends to this connection.
    const raw: unknown[] = [];
    alice.socket.on('quiet.event', (payload: unknown) => raw.push(payload));
    await publish(gateway, 'public:quiet', 'quiet.event');
    const marker = new Received();
    alice.subscribe('public:marker', marker.handler);
    await alice.subscription('public:marker')?.ready;
    await publish(gateway, 'public:marker', 'marker.event');
    await marker.until(1);
    expect(raw).toEqual([]);
    expect(received.publications).toEqual([]);
  });

  it('a command with no answer in time rejects with TIMEOUT', async () => {
    const alice = client('alice', { reconnection: false });
    await alice.connect();
    // Disconnected on purpose: the command is buffered and never answered.
    alice.socket.disconnect();
    await expect(alice.presence('chat:team', { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      command: 'presence',
    });
  });
});
