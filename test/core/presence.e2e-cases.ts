import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { serviceToken } from '../support/publisher.js';
import { SocketPool } from '../support/socket-pool.js';
import { type ClientSocket, collect, command, commandOk, waitForEvent } from '../support/socket.js';

interface PresenceEvent {
  channel: string;
  event: string;
  data: { userId: string; name?: string };
  ts: number;
}
interface PresenceList {
  channel: string;
  users: { userId: string; name?: string }[];
}

const byUser = (a: { userId: string }, b: { userId: string }): number => a.userId.localeCompare(b.userId);

describe('presence (single instance)', () => {
  let gateway: RunningGateway;
  const pool = new SocketPool(() => gateway.url);
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterEach(() => pool.closeAll());
  afterAll(() => gateway.close());

  const tab = (sub: string, claims: Record<string, unknown> = {}): Promise<ClientSocket> =>
    pool.connect(gateway.token({ sub, name: `${sub} name`, channels: ['chat:*'], ...claims }));

  /** A user joining `channel`: the observer's next join is theirs, so nothing else came first. */
  async function sentinelJoin(observer: ClientSocket, channel: string): Promise<void> {
    const sub = `sentinel-${Math.random().toString(36).slice(2, 8)}`;
    const joined = waitForEvent<PresenceEvent>(observer, 'presence.join', {
      filter: (p) => p.data.userId === sub,
    });
    await commandOk(await tab(sub), 'subscribe', { channel });
    await joined;
  }

  it('lists each user once across tabs, and only those subscribed', async () => {
    const [a1, a2, bob] = [await tab('ann'), await tab('ann'), await tab('bob', { name: undefined })];
    await tab('idle'); // connected, granted, never subscribed
    for (const socket of [a1, a2, bob]) await commandOk(socket, 'subscribe', { channel: 'chat:p-list' });
    const list = await commandOk<PresenceList>(a1, 'presence', { channel: 'chat:p-list' });
    expect(list.channel).toBe('chat:p-list');
    expect([...list.users].sort(byUser)).toEqual([{ userId: 'ann', name: 'ann name' }, { userId: 'bob' }]);
    const rest = await request<PresenceList>(gateway.url, 'GET', '/api/v1/channels/chat:p-list/presence', {
      token: serviceToken(gateway),
    });
    expect(rest.status).toBe(200);
    expect({ ...rest.body, users: [...rest.body.users].sort(byUser) }).toEqual({
      ...list,
      users: [...list.users].sort(byUser),
    });
  });

  it('announces presence.join on the first tab and presence.leave when the last one leaves', async () => {
    const channel = 'chat:p-events';
    const observer = await tab('obs');
    await commandOk(observer, 'subscribe', { channel });
    const joins = collect<PresenceEvent>(observer, 'presence.join');
    const leaves = collect<PresenceEvent>(observer, 'presence.leave');

    const first = await tab('cat');
    const second = await tab('cat');
    const joined = waitForEvent<PresenceEvent>(observer, 'presence.join', {
      filter: (p) => p.data.userId === 'cat',
    });
    await commandOk(first, 'subscribe', { channel });
    expect(await joined).toEqual({
      channel,
      event: 'presence.join',
      data: { userId: 'cat', name: 'cat name' },
      ts: expect.any(Number),
    });
    await commandOk(second, 'subscribe', { channel });
    await sentinelJoin(observer, channel);
    expect(joins.filter((p) => p.data.userId === 'cat')).toHaveLength(1);

    await commandOk(first, 'unsubscribe', { channel });
    await sentinelJoin(observer, channel);
    expect(leaves.filter((p) => p.data.userId === 'cat')).toEqual([]);
    expect((await commandOk<PresenceList>(observer, 'presence', { channel })).users).toContainEqual({
      userId: 'cat',
      name: 'cat name',
    });

    const left = waitForEvent<PresenceEvent>(observer, 'presence.leave', {
      filter: (p) => p.data.userId === 'cat',
    });
    second.close();
    expect(await left).toEqual({
      channel,
      event: 'presence.leave',
      data: { userId: 'cat', name: 'cat name' },
      ts: expect.any(Number),
    });
    const after = await commandOk<PresenceList>(observer, 'presence', { channel });
    expect(after.users.map((u) => u.userId)).not.toContain('cat');
  });

  it('announces presence.leave when the last tab unsubscribes', async () => {
    const channel = 'chat:p-unsub';
    const observer = await tab('obs');
    await commandOk(observer, 'subscribe', { channel });
    const dan = await tab('dan');
    const joined = waitForEvent<PresenceEvent>(observer, 'presence.join', {
      filter: (p) => p.data.userId === 'dan',
    });
    await commandOk(dan, 'subscribe', { channel });
    await joined;
    const left = waitForEvent<PresenceEvent>(observer, 'presence.leave', {
      filter: (p) => p.data.userId === 'dan',
    });
    await commandOk(dan, 'unsubscribe', { channel });
    expect(await left).toMatchObject({ channel, event: 'presence.leave', data: { userId: 'dan' } });
    expect(dan.connected).toBe(true);
  });

  it.each([
    ['public:news', 'BAD_REQUEST', {}],
    ['user:eve', 'BAD_REQUEST', {}],
    ['chat:p-closed', 'FORBIDDEN', { channels: [] }],
    ['nope:x', 'NOT_FOUND', {}],
  ])('answers presence on %s with %s', async (channel, code, claims) => {
    const socket = await tab('eve', claims);
    const answer = await command(socket, 'presence', { channel });
    expect(answer).toEqual({
      ok: false,
      error: { code, message: expect.any(String), details: expect.any(Array) },
    });
  });
});
