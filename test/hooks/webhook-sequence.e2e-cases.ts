import type { WebhookEvent } from '@switchboard/protocol';
import { occupancyOf, ControlApi } from '../support/control.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { type ClientSocket, commandOk, connect, disconnected, waitForEvent } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { GatewayPair } from '../redis/support/gateway-pair.js';
import { countKeys, deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';
import { PrivateCluster } from '../redis/support/redis-server.js';
import { summary, WebhookReceiver } from './support/webhook-receiver.js';

/**
 * The life of one channel as webhooks tell it, on two gateways (or one): Ann subscribes, Bob
 * joins on the other gateway, leaves, and Ann disconnects. Each step waits for its events, so
 * the expected order is the one the steps happened in on every backend (a cluster included).
 */
async function lifeOfAChannel(
  receiver: WebhookReceiver,
  [first, second]: readonly [RunningGateway, RunningGateway],
  id: string,
  sockets: ClientSocket[],
): Promise<void> {
  const channel = `chat:life-${id}`;
  const member = async (gateway: RunningGateway, sub: string, name: string): Promise<ClientSocket> => {
    const socket = await connect(gateway.url, gateway.token({ sub, name, channels: ['chat:*'] }));
    sockets.push(socket);
    return socket;
  };
  const ann = await member(first, `ann-${id}`, 'Ann');
  await commandOk(ann, 'subscribe', { channel });
  expect(summary(await receiver.untilEvents(channel, 2))).toEqual([
    '1 channel.occupied',
    `2 presence.joined ann-${id}`,
  ]);
  const bob = await member(second, `bob-${id}`, 'Bob');
  const bobJoined = waitForEvent(ann, 'presence.join');
  await commandOk(bob, 'subscribe', { channel });
  await bobJoined;
  await receiver.untilEvents(channel, 3);
  const bobLeft = waitForEvent(ann, 'presence.leave');
  await commandOk(bob, 'unsubscribe', { channel });
  await bobLeft;
  await receiver.untilEvents(channel, 4);
  ann.close();
  const events = await receiver.untilEvents(channel, 6);
  expect(summary(events)).toEqual([
    '1 channel.occupied',
    `2 presence.joined ann-${id}`,
    `3 presence.joined bob-${id}`,
    `4 presence.left bob-${id}`,
    `5 presence.left ann-${id}`,
    '6 channel.vacated',
  ]);
  expect(events.every((event) => event.channel === channel && typeof event.ts === 'number')).toBe(true);
  expect(events.filter((event) => event.userId !== undefined).map((event) => event.name)).toEqual([
    'Ann',
    'Bob',
    'Bob',
    'Ann',
  ]);
  for (let i = 1; i < events.length; i++) expect(events[i].ts).toBeGreaterThanOrEqual(events[i - 1].ts);
  // Every subscription counts, the personal channel too: Ann's first connection occupied it.
  expect(summary(await receiver.untilEvents(`user:ann-${id}`, 2))).toEqual([
    '1 channel.occupied',
    '2 channel.vacated',
  ]);
  // Bob is still connected: his personal channel is occupied, and only that.
  expect(summary(receiver.events(`user:bob-${id}`))).toEqual(['1 channel.occupied']);
}

/** `occupied` and `vacated` of one channel alternate strictly, seq 1..n, starting with occupied. */
function expectAlternation(events: readonly WebhookEvent[]): void {
  expect(events.map((event) => event.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.map((event) => event.type)).toEqual(
    events.map((_, i) => (i % 2 === 0 ? 'channel.occupied' : 'channel.vacated')),
  );
}

describe('webhooks: the life of a channel (memory)', () => {
  const sockets: ClientSocket[] = [];
  let receiver: WebhookReceiver;
  let gateway: RunningGateway;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    gateway = await startGateway(receiver.env());
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await gateway?.close();
    await receiver?.close();
  });

  it('reports occupied, joins, leaves and vacated with seq 1..n, each signed', async () => {
    await lifeOfAChannel(receiver, [gateway, gateway], 'memory', sockets);
    expect((await receiver.verifyAll()).length).toBe(receiver.server.requests.length);
  });

  it('reports a kick and a disconnect by the control API like any other end of a subscription', async () => {
    const api = new ControlApi(gateway);
    const channel = 'public:kicked';
    const socket = await connect(gateway.url, gateway.token({ sub: 'kim' }));
    sockets.push(socket);
    await commandOk(socket, 'subscribe', { channel });
    await receiver.untilEvents(channel, 1);
    expect((await api.kick(channel, 'kim')).status).toBe(200);
    expect(summary(await receiver.untilEvents(channel, 2))).toEqual([
      '1 channel.occupied',
      '2 channel.vacated',
    ]);
    const gone = disconnected(socket);
    expect((await api.disconnect('kim')).status).toBe(200);
    await gone;
    expect(summary(await receiver.untilEvents('user:kim', 2))).toEqual([
      '1 channel.occupied',
      '2 channel.vacated',
    ]);
  });
});

describe('webhooks: the life of a channel (two instances on one Redis: journaled by the deciding scripts)', () => {
  const pair = new GatewayPair('hooks-life');
  const sockets: ClientSocket[] = [];
  let receiver: WebhookReceiver;
  let gateways: [RunningGateway, RunningGateway];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    gateways = await pair.start(receiver.env());
  });
  afterAll(async () => {
    pair.track(...sockets);
    await pair.stop();
    await receiver?.close();
  });

  it('reports the same sequence, whichever instance saw each change', async () => {
    await lifeOfAChannel(receiver, gateways, 'redis', sockets);
  });

  it('never appends a channel’s occupied and vacated out of order, however close together on two instances', async () => {
    const channel = 'public:flip';
    const [a, b] = gateways;
    const clients = await Promise.all(
      [a, b].map(async (gateway, i) => {
        const socket = await connect(gateway.url, gateway.token({ sub: `flipper-${i}` }));
        sockets.push(socket);
        return socket;
      }),
    );
    const flip = async (socket: ClientSocket): Promise<void> => {
      for (let round = 0; round < 15; round++) {
        await commandOk(socket, 'subscribe', { channel });
        await commandOk(socket, 'unsubscribe', { channel });
      }
    };
    await Promise.all(clients.map(flip));
    await eventually(async () => (await occupancyOf(new ControlApi(a), channel)).subscribers === 0, {
      what: 'the channel empty',
    });
    // The deciding scripts journal each transition with its seq: the counter is how many there were.
    const seq = Number(await pair.redis.get(`${pair.prefix}{hooks}:webhook:seq:${channel}`));
    expect(seq).toBeGreaterThanOrEqual(2);
    expectAlternation(await receiver.untilEvents(channel, seq));
  });
});

describe('webhooks: only the types of WEBHOOK_EVENTS take a seq; none without WEBHOOK_URL (Redis)', () => {
  const pair = new GatewayPair('hooks-types');
  const offPrefix = uniquePrefix('hooks-off');
  const sockets: ClientSocket[] = [];
  let receiver: WebhookReceiver;
  let typed: RunningGateway;
  let off: RunningGateway;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    [typed] = await pair.start(receiver.env({ WEBHOOK_EVENTS: 'presence.joined,presence.left' }));
    off = await startGateway({ REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: offPrefix });
  });
  afterAll(async () => {
    pair.track(...sockets);
    await off?.close();
    await deleteKeys(pair.redis, offPrefix);
    await pair.stop();
    await receiver?.close();
  });

  async function comeAndGo(gateway: RunningGateway, sub: string, channel: string): Promise<void> {
    const socket = await connect(gateway.url, gateway.token({ sub, channels: ['chat:*'] }));
    sockets.push(socket);
    await commandOk(socket, 'subscribe', { channel });
    await commandOk(socket, 'unsubscribe', { channel });
    socket.close();
    await eventually(
      async () => (await occupancyOf(new ControlApi(gateway), `user:${sub}`)).subscribers === 0,
      {
        what: `${sub} gone`,
      },
    );
  }

  it('journals presence changes only: occupancy transitions take no seq', async () => {
    const channel = 'chat:typed';
    await comeAndGo(typed, 'carl', channel);
    expect(summary(await receiver.untilEvents(channel, 2))).toEqual([
      '1 presence.joined carl',
      '2 presence.left carl',
    ]);
    expect(await pair.redis.get(`${pair.prefix}{hooks}:webhook:seq:${channel}`)).toBe('2');
    expect(await pair.redis.exists(`${pair.prefix}{hooks}:webhook:seq:user:carl`)).toBe(0);
    expect(receiver.events().filter((event) => event.type.startsWith('channel.'))).toEqual([]);
  });

  it('writes no webhook key at all without WEBHOOK_URL', async () => {
    await comeAndGo(off, 'dora', 'chat:quiet');
    expect(await countKeys(pair.redis, `${offPrefix}{hooks}`)).toBe(0);
  });
});

describe('webhooks: the life of a channel (Redis Cluster: appended right after the deciding scripts)', () => {
  const sockets: ClientSocket[] = [];
  let cluster: PrivateCluster;
  let receiver: WebhookReceiver;
  let gateways: [RunningGateway, RunningGateway];

  beforeAll(async () => {
    cluster = await PrivateCluster.start();
    receiver = await WebhookReceiver.start();
    const env = receiver.env({ REDIS_CLUSTER_NODES: cluster.seeds, REDIS_KEY_PREFIX: 't-hooks:' });
    gateways = [
      await startGateway({ ...env, INSTANCE_ID: 'hooks-cluster-a' }),
      await startGateway({ ...env, INSTANCE_ID: 'hooks-cluster-b' }),
    ];
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const gateway of gateways ?? []) await gateway.close();
    await receiver?.close();
    await cluster?.destroy();
  });

  it('reports the same sequence', async () => {
    await lifeOfAChannel(receiver, gateways, 'cluster', sockets);
  });
});
