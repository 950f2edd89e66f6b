import { SwitchboardClient, type SwitchboardClientOptions } from '@switchboard/client';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { freePort } from '../support/global-setup.js';
import { nextEvent, publish, Received, startGatewayOn } from './support/client-harness.js';

/** Fast reconnects for tests; the backoff itself is Socket.IO's. */
const FAST_RECONNECT = { reconnectionDelay: 100, reconnectionDelayMax: 400 } as const;

describe('client SDK: recovery after reconnects and gaps', () => {
  const clients: SwitchboardClient[] = [];
  const gateways: RunningGateway[] = [];
  const client = (gateway: RunningGateway, options: Partial<SwitchboardClientOptions> = {}) => {
    const created = new SwitchboardClient(gateway.url, {
      token: () => gateway.token({ sub: 'alice', channels: ['chat:*'] }),
      transports: ['websocket'],
      ...FAST_RECONNECT,
      ...options,
    });
    clients.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    for (const g of gateways.splice(0)) await g.close();
  });

  it('after the server restarts on the same port: reconnects, resubscribes with since, resyncs', async () => {
    const port = await freePort();
    const first = await startGatewayOn(port);
    let current = first;
    const alice = new SwitchboardClient(first.url, {
      // The provider signs with whichever server is up: the same secret across the restart.
      token: () => current.token({ sub: 'alice' }),
      transports: ['websocket'],
      ...FAST_RECONNECT,
    });
    clients.push(alice);
    await alice.connect();
    const received = new Received<{ n: number }>();
    const subscription = alice.subscribe('public:restart', received.handler);
    const ack = await subscription.ready;
    await publish(first, 'public:restart', 'tick', { n: 1 });
    await received.until(1);

    const down = nextEvent(alice, 'disconnect');
    await first.close();
    expect(await down).toMatchObject({ willReconnect: true });

    const clientResync = nextEvent(alice, 'resync');
    const resync = nextEvent(subscription, 'resync', { timeoutMs: 20_000 });
    current = await startGatewayOn(port);
    gateways.push(current);
    // In-memory history died with the process: a new epoch, so recovery must say so.
    const event = await resync;
    expect(event.previous).toEqual({ offset: ack.offset + 1, epoch: ack.epoch });
    expect(event.current.epoch).not.toBe(ack.epoch);
    expect(await clientResync).toEqual(event);
    expect(alice.state).toMatchObject({ connected: true, reconnects: 1 });

    await publish(current, 'public:restart', 'tick', { n: 2 });
    await received.until(2);
    expect(received.publications[1]).toMatchObject({
      offset: event.current.offset + 1,
      epoch: event.current.epoch,
      data: { n: 2 },
    });
  });

  it('a gap in live delivery is held, then filled by recovery: the handler sees every offset once', async () => {
    const gateway = await startGateway();
    gateways.push(gateway);
    const alice = client(gateway);
    await alice.connect();
    const outgoing: { event: string; payload: unknown }[] = [];
    alice.socket.onAnyOutgoing((event: string, payload: unknown) => outgoing.push({ event, payload }));
    const received = new Received<{ n: number }>();
    const channel = 'public:gappy';
    const ack = await alice.subscribe(channel, received.handler).ready;
    await publish(gateway, channel, 'tick', { n: 1 });
    await received.until(1);

    // Behind the SDK's back, the connection leaves the channel: 2 and 3 are never delivered live.
    await alice.socket.timeout(5000).emitWithAck('unsubscribe', { channel });
    await publish(gateway, channel, 'tick', { n: 2 });
    await publish(gateway, channel, 'tick', { n: 3 });
    await alice.socket.timeout(5000).emitWithAck('subscribe', { channel });
    await publish(gateway, channel, 'tick', { n: 4 });

    await received.until(4);
    expect(received.offsets).toEqual([1, 2, 3, 4].map((n) => ack.offset + n));
    expect(received.publications.map((p) => p.data.n)).toEqual([1, 2, 3, 4]);
    expect(outgoing).toContainEqual({
      event: 'subscribe',
      payload: { channel, since: { offset: ack.offset + 1, epoch: ack.epoch } },
    });
  });

  it('a gap history can no longer fill raises resync, then delivery goes on from the new top', async () => {
    const gateway = await startGateway({ HISTORY_SIZE: '1' });
    gateways.push(gateway);
    const alice = client(gateway);
    await alice.connect();
    const received = new Received<{ n: number }>();
    const channel = 'public:short-memory';
    const subscription = alice.subscribe(channel, received.handler);
    const ack = await subscription.ready;
    await publish(gateway, channel, 'tick', { n: 1 });
    await received.until(1);

    await alice.socket.timeout(5000).emitWithAck('unsubscribe', { channel });
    await publish(gateway, channel, 'tick', { n: 2 });
    await publish(gateway, channel, 'tick', { n: 3 });
    await alice.socket.timeout(5000).emitWithAck('subscribe', { channel });
    const resync = nextEvent(subscription, 'resync');
    const fourth = await publish(gateway, channel, 'tick', { n: 4 });

    // History keeps only offset 4: 2 and 3 are gone, so the app is told to reload.
    expect(await resync).toEqual({
      channel,
      previous: { offset: ack.offset + 1, epoch: ack.epoch },
      current: { offset: fourth.offset, epoch: ack.epoch },
    });
    await publish(gateway, channel, 'tick', { n: 5 });
    await received.until(2);
    expect(received.publications.map((p) => p.data.n)).toEqual([1, 5]);
  });

  it('works over long-polling only, and reports the transport', async () => {
    const gateway = await startGateway();
    gateways.push(gateway);
    const alice = client(gateway, { transports: ['polling'] });
    const connected = nextEvent(alice, 'connect');
    await alice.connect();
    expect(await connected).toMatchObject({ connected: true, transport: 'polling', reconnects: 0 });
    const received = new Received();
    await alice.subscribe('public:slow', received.handler).ready;
    await publish(gateway, 'public:slow', 'tick', { n: 1 });
    await received.until(1);
    const sent = await alice.chat.send('polling', 'over xhr');
    expect(sent.offset).toBe(1);
    expect(alice.state.transport).toBe('polling');
  });
});
