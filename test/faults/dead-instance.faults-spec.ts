import { jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { InstanceLiveness } from '../../src/core/stores/redis/instance-liveness.js';
import { RedisClients } from '../../src/core/stores/redis/redis-clients.js';
import { RedisConnectionRegistry } from '../../src/core/stores/connections/redis-connection.registry.js';
import { RedisKeys } from '../../src/core/stores/redis/redis-keys.js';
import { RedisPresenceStore } from '../../src/core/stores/presence/redis-presence.store.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';
import { type ClientSocket, commandOk, connect, waitForEvent } from '../support/socket.js';
import { deleteKeys, testRedisUrl, uniquePrefix } from '../redis/support/redis-keyspace.js';

jest.setTimeout(90_000);

interface PresenceList {
  users: { userId: string; name?: string }[];
}

/**
 * An instance that dies without cleaning up: the same stores a gateway uses, with a short
 * heartbeat TTL, that add a presence entry and a connection slot and then stop beating and
 * drop their Redis connections without removing anything (what SIGKILL leaves behind).
 */
async function ghostInstance(prefix: string, memberId: string) {
  const clients = await RedisClients.connect(
    { kind: 'single', url: testRedisUrl() },
    { commandTimeoutMs: 2_000, connectTimeoutMs: 5_000 },
  );
  const keys = new RedisKeys(prefix);
  const liveness = new InstanceLiveness(clients.command, keys, memberId, { intervalMs: 200, ttlMs: 1_000 });
  const presence = new RedisPresenceStore(clients.command, keys, liveness);
  const connections = new RedisConnectionRegistry(clients.command, keys, liveness);
  await liveness.start();
  return {
    presence,
    connections,
    crash: async (): Promise<void> => {
      liveness.stop();
      clients.command.disconnect();
      await clients.close();
    },
  };
}

describe('redis: an instance that dies without cleanup', () => {
  const prefix = uniquePrefix('dead');
  const redis = new Redis(testRedisUrl(), { lazyConnect: true }); // connected by its first command
  const sockets: ClientSocket[] = [];
  const live: RunningGateway[] = [];

  beforeAll(async () => {
    // Two live gateways with the production heartbeat (5 s beat, 15 s TTL): both sweep.
    for (const id of ['dead-a', 'dead-b']) {
      live.push(
        await startGateway({
          REDIS_URL: testRedisUrl(),
          REDIS_KEY_PREFIX: prefix,
          MAX_CONNECTIONS_PER_USER: '1',
          INSTANCE_ID: id,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    for (const gateway of live) await gateway.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  /** Resolves once every live instance has completed a heartbeat (and so a sweep) after now. */
  async function untilEveryLiveInstanceBeat(): Promise<void> {
    const deadlines = async (): Promise<Map<string, string>> => {
      const flat = await redis.zrange(`${prefix}instances`, '0', '-1', 'WITHSCORES');
      const entries = new Map<string, string>();
      for (let i = 0; i < flat.length; i += 2)
        if (/^dead-[ab]:/.test(flat[i])) entries.set(flat[i], flat[i + 1]);
      return entries;
    };
    // A beat refreshes the deadline first and sweeps after: two refreshes bracket a whole beat.
    const changes = new Map<string, number>();
    let last = await deadlines();
    for (
      let attempt = 0;
      attempt < 1_000 && [...last.keys()].some((id) => (changes.get(id) ?? 0) < 2);
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = await deadlines();
      for (const [id, deadline] of now)
        if (last.get(id) !== deadline) changes.set(id, (changes.get(id) ?? 0) + 1);
      last = now;
    }
    expect(last.size).toBe(2);
    expect([...last.keys()].every((id) => (changes.get(id) ?? 0) >= 2)).toBe(true);
  }

  it('drops out of presence, announced once on every instance, and frees its connection slots', async () => {
    const channel = 'chat:ghost-room';
    const ghost = await ghostInstance(prefix, 'ghost:0001');
    expect(await ghost.presence.add(channel, { userId: 'gus', name: 'Gus' }, 'ghost-conn')).toBe(true);
    expect(await ghost.connections.acquire('gus', 'ghost-conn', 1)).toBe(true);

    const observers: ClientSocket[] = [];
    for (const [i, gateway] of live.entries()) {
      const observer = await connect(gateway.url, gateway.token({ sub: `olga-${i}`, channels: ['chat:*'] }));
      sockets.push(observer);
      observers.push(observer);
      await commandOk(observer, 'subscribe', { channel });
    }
    const before = await commandOk<PresenceList>(observers[0], 'presence', { channel });
    expect(before.users.map((u) => u.userId).sort()).toEqual(['gus', 'olga-0', 'olga-1']);
    const gusToken = live[0].token({ sub: 'gus', channels: ['chat:*'] });
    await expect(connect(live[1].url, gusToken)).rejects.toMatchObject({ message: 'LIMIT_EXCEEDED' });

    const leaves = observers.map((observer) => {
      const seen: string[] = [];
      observer.on('presence.leave', (event: { data: { userId: string } }) => seen.push(event.data.userId));
      return seen;
    });
    const left = observers.map((observer) =>
      waitForEvent<{ channel: string; data: { userId: string; name?: string } }>(observer, 'presence.leave', {
        timeoutMs: 60_000,
      }),
    );
    const diedAt = Date.now();
    await ghost.crash();
    for (const event of await Promise.all(left)) {
      expect(event).toMatchObject({ channel, data: { userId: 'gus', name: 'Gus' } });
    }
    // Ghost TTL (1 s) plus at most one live beat (5 s), with room for a loaded machine.
    expect(Date.now() - diedAt).toBeLessThan(30_000);

    const after = await commandOk<PresenceList>(observers[1], 'presence', { channel });
    expect(after.users.map((u) => u.userId).sort()).toEqual(['olga-0', 'olga-1']);
    const gus = await connect(live[1].url, gusToken);
    sockets.push(gus);
    expect(gus.connected).toBe(true);

    // Both live instances swept at least once more: still exactly one leave each, and
    // nothing of the ghost is left in Redis.
    await untilEveryLiveInstanceBeat();
    expect(leaves).toEqual([['gus'], ['gus']]);
    expect(await redis.zscore(`${prefix}instances`, 'ghost:0001')).toBeNull();
    expect(
      await redis.exists(`${prefix}instance:ghost:0001:presence`, `${prefix}instance:ghost:0001:connections`),
    ).toBe(0);
  });
});
