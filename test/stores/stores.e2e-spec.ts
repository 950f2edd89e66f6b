/**
 * One behavioural suite per store interface, run against the memory implementation and against
 * the Redis one (on the test Redis, a key prefix per test): the two must keep the same promises,
 * so a divergence fails here rather than only in an e2e test of one backend. One suite alone:
 * `npm test -- test/stores -t 'PresenceStore behaviour: redis'`.
 */
import { Logger } from '@nestjs/common';
import { MemoryChannelLog } from '../../src/core/stores/channel-log/memory-channel.log.js';
import { MemoryModuleStateStore } from '../../src/core/stores/module-state/memory-module-state.store.js';
import { MemoryOccupancyStore } from '../../src/core/stores/occupancy/memory-occupancy.store.js';
import { MemoryPresenceStore } from '../../src/core/stores/presence/memory-presence.store.js';
import type { RedisBackend } from '../../src/core/stores/redis/redis.backend.js';
import { describeChannelLogBehaviour } from './channel-log.behaviour.js';
import { describeModuleStateScopeBehaviour } from './module-state-scope.behaviour.js';
import { describeModuleStateBehaviour } from './module-state.behaviour.js';
import { describeOccupancyBehaviour } from './occupancy.behaviour.js';
import { describePresenceBehaviour } from './presence.behaviour.js';
import { memoryStores } from './support/memory-stores.js';
import { redisStores } from './support/redis-stores.js';
import { LOG_SETTINGS, type StoreFactory } from './support/store-fixture.js';

// Every test connects and closes backends: their connection state lines would bury the report.
beforeAll(() => {
  Logger.overrideLogger(['warn', 'error']);
});

const memoryLog = () =>
  new MemoryChannelLog({
    historySize: LOG_SETTINGS.historySize,
    historyTtlMs: LOG_SETTINGS.historyTtlSeconds * 1000,
    streamTtlMs: LOG_SETTINGS.streamTtlSeconds * 1000,
    idempotencyTtlMs: LOG_SETTINGS.idempotencyTtlSeconds * 1000,
  });

/** Runs one behavioural suite against both implementations. */
function onBoth<S>(
  describeBehaviour: (label: string, makeStore: StoreFactory<S>) => void,
  name: string,
  memory: () => S,
  redis: (backend: RedisBackend) => S,
): void {
  describeBehaviour('memory', memoryStores(memory));
  describeBehaviour('redis', redisStores(name, redis));
}

onBoth(describeChannelLogBehaviour, 'log', memoryLog, (backend) => backend.log);
onBoth(
  describePresenceBehaviour,
  'presence',
  () => new MemoryPresenceStore(),
  (backend) => backend.presence,
);
onBoth(
  describeOccupancyBehaviour,
  'occupancy',
  () => new MemoryOccupancyStore(),
  (backend) => backend.occupancy,
);
onBoth(
  describeModuleStateBehaviour,
  'state',
  () => new MemoryModuleStateStore(),
  (backend) => backend.moduleState,
);
onBoth(
  describeModuleStateScopeBehaviour,
  'scope',
  () => new MemoryModuleStateStore(),
  (backend) => backend.moduleState,
);
