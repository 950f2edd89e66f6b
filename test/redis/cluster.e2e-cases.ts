import { Cluster } from 'ioredis';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { receiveOffsets } from './support/offsets.js';
import { countKeys } from './support/redis-keyspace.js';
import { PrivateCluster } from './support/redis-server.js';
import { ControlApi, occupancyOf } from '../support/control.js';
import { eventually } from '../support/wait.js';

const PUBLICATIONS = 120;

describe('redis cluster: sharded feeds keep order across instances', () => {
  const sockets: ClientSocket[] = [];
  let cluster: PrivateCluster;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    cluster = await PrivateCluster.start();
    const env = { REDIS_CLUSTER_NODES: cluster.seeds, REDIS_KEY_PREFIX: 't-cluster:' };
    a = await startGateway({ ...env, INSTANCE_ID: 'cluster-a' });
    b = await startGateway({ ...env, INSTANCE_ID: 'cluster-b' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await a?.close();
    await b?.close();
    await cluster?.destroy();
  });

  async function member(gateway: RunningGateway, sub: string): Promise<ClientSocket> {
    const socket = await connect(gateway.url, gateway.token({ sub, channels: ['chat:*'] }));
    sockets.push(socket);
    return socket;
  }

  it('spreads channels over the shards', async () => {
    const service = a.token({ sub: 'backend', roles: ['service'] });
    for (let i = 0; i < 12; i++) {
      const answer = await request(i % 2 ? a.url : b.url, 'POST', '/api/v1/publish', {
        token: service,
        body: { channel: `public:spread-${i}`, event: 'tick', data: null },
      });
      expect(answer.status).toBe(201);
    }
    const client = new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const perNode = await Promise.all(
        client.nodes('master').map((node) => node.keys('t-cluster:{c:public:spread-*')),
      );
      // Each channel's keys sit together, on one node; twelve channels land on more than one.
      expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
      expect(await countKeys(client, 't-cluster:{c:public:spread-')).toBe(24); // top + log each
    } finally {
      client.disconnect();
    }
  });

  it(`delivers ${PUBLICATIONS} concurrent publications from both instances as 1..N on both`, async () => {
    const channel = 'public:cluster-ordered';
    const subscribers = [await member(a, 'sub-a'), await member(b, 'sub-b')];
    for (const socket of subscribers) await commandOk(socket, 'subscribe', { channel });
    const received = subscribers.map((socket) => receiveOffsets(socket, 'tick', PUBLICATIONS + 1, 90_000));
    const service = a.token({ sub: 'backend', roles: ['service'] });
    const publish = (url: string, data: unknown) =>
      request<{ offset: number }>(url, 'POST', '/api/v1/publish', {
        token: service,
        body: { channel, event: 'tick', data },
      });
    const answers = await Promise.all(
      Array.from({ length: PUBLICATIONS }, (_, i) => publish(i % 2 ? a.url : b.url, { i })),
    );
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    expect((await publish(a.url, { sentinel: true })).body.offset).toBe(PUBLICATIONS + 1);
    const expected = Array.from({ length: PUBLICATIONS + 1 }, (_, i) => i + 1);
    for (const offsets of await Promise.all(received)) expect(offsets).toEqual(expected);
  });

  it('recovers on the other instance and fans presence out through the sharded adapter', async () => {
    const channel = 'chat:cluster-room';
    const observer = await member(b, 'observer');
    await commandOk(observer, 'subscribe', { channel });
    const leaving = await member(a, 'rita');
    const joined = waitForEvent<{ data: { userId: string } }>(observer, 'presence.join', {
      timeoutMs: 10_000,
    });
    const top = await commandOk<{ epoch: string; offset: number }>(leaving, 'subscribe', { channel });
    expect((await joined).data.userId).toBe('rita');
    await commandOk(leaving, 'chat.send', { room: 'cluster-room', text: 'one' });
    leaving.close();
    for (const text of ['two', 'three'])
      await commandOk(observer, 'chat.send', { room: 'cluster-room', text });

    const back = await member(b, 'rita');
    const recovered = await commandOk<{
      recovered: boolean;
      offset: number;
      publications: { offset: number; data: { text: string } }[];
    }>(back, 'subscribe', { channel, since: { offset: top.offset + 1, epoch: top.epoch } });
    expect(recovered).toMatchObject({ recovered: true, offset: top.offset + 3 });
    expect(recovered.publications.map((p) => p.data.text)).toEqual(['two', 'three']);
  });

  it('runs the control API over the sharded adapter: occupancy across slots, commands acknowledged by both', async () => {
    const api = new ControlApi(b);
    const rooms = ['chat:ctl-cluster-a', 'chat:ctl-cluster-b', 'chat:ctl-cluster-c'];
    const una = [await member(a, 'ctl-una'), await member(b, 'ctl-una')];
    for (const socket of una) for (const channel of rooms) await commandOk(socket, 'subscribe', { channel });
    expect((await api.channels('?prefix=chat:ctl-cluster-')).body).toEqual({
      channels: rooms.map((channel) => ({ channel, subscribers: 2, users: 1 })),
    });

    const revoked = una.map((socket) => waitForEvent(socket, 'subscription.revoked'));
    expect((await api.kick(rooms[0], 'ctl-una')).body.unsubscribed).toBe(2);
    await Promise.all(revoked);
    expect(await occupancyOf(api, rooms[0])).toEqual({ subscribers: 0, users: 0 });

    const ended = una.map((socket) => waitForEvent(socket, 'session.terminated'));
    expect((await api.disconnect('ctl-una')).body).toEqual({ userId: 'ctl-una', disconnected: 2 });
    await Promise.all(ended);
    await eventually(
      async () => (await api.channels('?prefix=chat:ctl-cluster-')).body.channels.length === 0,
      {
        what: 'the rooms emptied',
      },
    );
  });

  it('publishes a batch spread over every shard: one pipeline per node, each channel in array order', async () => {
    const service = a.token({ sub: 'backend', roles: ['service'] });
    const publications = Array.from({ length: 60 }, (_, i) => ({
      channel: `public:batch-${i % 12}`,
      event: 'tick',
      data: { i },
    }));
    const answer = await request<{ results: { channel: string; offset: number }[] }>(
      b.url,
      'POST',
      '/api/v1/publish/batch',
      { token: service, body: { publications } },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r) => `${r.channel}#${r.offset}`)).toEqual(
      publications.map((p, i) => `${p.channel}#${Math.floor(i / 12) + 1}`),
    );
    const client = new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })));
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const perNode = await Promise.all(
        client.nodes('master').map((node) => node.keys('t-cluster:{c:public:batch-*:top')),
      );
      expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
  });
});
