import { Redis } from 'ioredis';
import type { RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { GatewayPair } from './support/gateway-pair.js';

interface PresenceEvent {
  channel: string;
  event: string;
  data: { userId: string; name?: string };
}
interface PresenceList {
  channel: string;
  users: { userId: string; name?: string }[];
}

describe('redis: presence per user across instances', () => {
  const pair = new GatewayPair('presence');
  const { prefix, redis } = pair;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    [a, b] = await pair.start();
  });
  afterAll(() => pair.stop());

  async function tab(gateway: RunningGateway, sub: string): Promise<ClientSocket> {
    const socket = await connect(
      gateway.url,
      gateway.token({ sub, name: `${sub} name`, channels: ['chat:*'] }),
    );
    pair.track(socket);
    return socket;
  }

  /**
   * The observer's next `event` after `action`, which must be about `userId`. A sentinel user
   * acts right after `action`; when its event is the next one, `action` announced nothing.
   */
  async function nextPresence(
    observer: ClientSocket,
    event: 'presence.join' | 'presence.leave',
    action: () => Promise<void>,
  ): Promise<string> {
    const next = waitForEvent<PresenceEvent>(observer, event, { timeoutMs: 10_000 });
    await action();
    return (await next).data.userId;
  }

  it('joins once when a user subscribes on two instances and leaves once when both tabs are gone', async () => {
    const channel = 'chat:presence-once';
    const observer = await tab(b, 'observer');
    await commandOk(observer, 'subscribe', { channel });

    const annA = await tab(a, 'ann');
    const annB = await tab(b, 'ann');
    expect(
      await nextPresence(observer, 'presence.join', () =>
        commandOk(annA, 'subscribe', { channel }).then(() => undefined),
      ),
    ).toBe('ann');

    // Ann's second tab (other instance) announces nothing: the next join is the sentinel's.
    const sentinel = await tab(a, 'sentinel');
    expect(
      await nextPresence(observer, 'presence.join', async () => {
        await commandOk(annB, 'subscribe', { channel });
        await commandOk(sentinel, 'subscribe', { channel });
      }),
    ).toBe('sentinel');

    for (const gateway of [a, b]) {
      const list = await request<PresenceList>(gateway.url, 'GET', `/api/v1/channels/${channel}/presence`, {
        token: gateway.token({ sub: 'svc', roles: ['service'] }),
      });
      expect(list.body.users.map((u) => u.userId).sort()).toEqual(['ann', 'observer', 'sentinel']);
      expect(list.body.users.find((u) => u.userId === 'ann')).toEqual({ userId: 'ann', name: 'ann name' });
    }

    // Closing one of Ann's tabs announces nothing: the next leave is the sentinel's.
    expect(
      await nextPresence(observer, 'presence.leave', async () => {
        annA.close();
        // No event tells when the server has processed the close: wait until Redis holds
        // only the observer's, Ann's other and the sentinel's connection.
        await untilConnections(redis, prefix, channel, 3);
        await commandOk(sentinel, 'unsubscribe', { channel });
      }),
    ).toBe('sentinel');
    expect(
      await nextPresence(observer, 'presence.leave', () => {
        annB.close();
        return Promise.resolve();
      }),
    ).toBe('ann');
    const list = await commandOk<PresenceList>(observer, 'presence', { channel });
    expect(list.users).toEqual([{ userId: 'observer', name: 'observer name' }]);
  });
});

/** Waits until the channel's presence has exactly `count` connections (all instances). */
async function untilConnections(redis: Redis, prefix: string, channel: string, count: number): Promise<void> {
  const key = `${prefix}{c:${channel}}:presence:connections`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await redis.hlen(key)) === count) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`presence of ${channel} never had ${count} connections`);
}
