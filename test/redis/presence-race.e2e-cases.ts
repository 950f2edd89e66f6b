import { startGateway, type RunningGateway } from '../support/gateway.js';
import { request } from '../support/http.js';
import { sampleValue, scrapeMetrics } from '../support/metrics.js';
import { type ClientSocket, commandOk, connect } from '../support/socket.js';
import { eventually } from '../support/wait.js';
import { PrivateRedis } from './support/redis-server.js';

interface PresenceList {
  users: { userId: string }[];
}
interface PresenceEvent {
  data: { userId: string };
}

const USERS = 40;
const ROOM = 'chat:race';

/**
 * Issue 9, defect 1: a subscribe whose presence entry is written after an `await` used to
 * land after the disconnect's cleanup, leaving a user present forever with nobody connected.
 * Each user subscribes and drops its socket 0-3 ms later; afterwards presence must be empty
 * everywhere, and every `presence.join` an observer saw must have been followed by a leave.
 */
async function subscribeAndDrop(gateways: RunningGateway[], run: string): Promise<void> {
  const users: ClientSocket[] = [];
  for (let i = 0; i < USERS; i++) {
    const gateway = gateways[i % gateways.length];
    users.push(await connect(gateway.url, gateway.token({ sub: `${run}-${i}`, channels: ['chat:*'] })));
  }
  await Promise.all(
    users.map(
      (socket, i) =>
        new Promise<void>((resolve) => {
          socket.emit('subscribe', { channel: ROOM }, () => undefined);
          setTimeout(() => {
            socket.close();
            resolve();
          }, i % 4);
        }),
    ),
  );
}

async function presentUsers(gateway: RunningGateway): Promise<string[]> {
  const list = await request<PresenceList>(gateway.url, 'GET', `/api/v1/channels/${ROOM}/presence`, {
    token: gateway.token({ sub: 'svc', roles: ['service'] }),
  });
  if (list.status !== 200) throw new Error(`presence answered ${list.status}`);
  return list.body.users.map((user) => user.userId);
}

/** Every connection but the observer's is gone, and its subscriptions released. */
async function settled(gateways: RunningGateway[]): Promise<void> {
  await eventually(
    async () => {
      const gauges = await Promise.all(
        gateways.map(async (g) => sampleValue(await scrapeMetrics(g.url), 'switchboard_subscriptions')),
      );
      // The observer holds two (its personal channel and the room).
      return gauges.reduce((sum: number, n) => sum + (n ?? 0), 0) === 2;
    },
    { timeoutMs: 15_000, what: 'subscriptions released' },
  );
}

async function expectNoGhosts(gateways: RunningGateway[], run: string): Promise<void> {
  const observerGateway = gateways[gateways.length - 1];
  const observer = await connect(
    observerGateway.url,
    observerGateway.token({ sub: `${run}-observer`, channels: ['chat:*'] }),
  );
  try {
    await commandOk(observer, 'subscribe', { channel: ROOM });
    const inRoom = new Set<string>();
    observer.on('presence.join', (event: PresenceEvent) => inRoom.add(event.data.userId));
    observer.on('presence.leave', (event: PresenceEvent) => inRoom.delete(event.data.userId));

    await subscribeAndDrop(gateways, run);
    await settled(gateways);
    // Subscribes still in flight finish within the store's timeout; after that, nothing of
    // this run may be left, on any instance, nor in what the observer was told.
    for (const gateway of gateways) {
      await eventually(
        async () => (await presentUsers(gateway)).filter((id) => id.startsWith(`${run}-`)).length === 1,
        { timeoutMs: 10_000, what: `presence on ${gateway.url} down to the observer` },
      ).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; still present: ${(await presentUsers(gateway)).join(', ')}`);
      });
      expect(await presentUsers(gateway)).toEqual([`${run}-observer`]);
    }
    await eventually(() => inRoom.size === 0, { timeoutMs: 10_000, what: 'a leave for every join' }).catch(
      () => {
        throw new Error(`joined and never left: ${[...inRoom].join(', ')}`);
      },
    );
  } finally {
    observer.close();
  }
}

describe('presence: subscribe racing a disconnect leaves no ghost', () => {
  it('in memory (one instance)', async () => {
    const gateway = await startGateway();
    try {
      for (let run = 0; run < 3; run++) await expectNoGhosts([gateway], `mem${run}`);
    } finally {
      await gateway.close();
    }
  });

  it('with Redis (two instances on a private redis-server)', async () => {
    const redis = await PrivateRedis.start();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: 't-ghost:' };
    const a = await startGateway({ ...env, INSTANCE_ID: 'ghost-a' });
    const b = await startGateway({ ...env, INSTANCE_ID: 'ghost-b' });
    try {
      for (let run = 0; run < 3; run++) await expectNoGhosts([a, b], `redis${run}`);
    } finally {
      await a.close();
      await b.close();
      await redis.destroy();
    }
  });
});
