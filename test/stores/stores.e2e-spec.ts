/**
 * One behavioural suite per store interface, run against the memory implementation and against
 * the Redis one (on the test Redis, a key prefix per test): the two must keep the same promises,
 * so a divergence fails here rather than only in an e2e test of one backend. One suite alone:
 * `npm test -- test/stores -t 'PresenceStore behaviour: redis'`.
 */
import { Logger } from '@nestjs/common';
import { WEBHOOK_EVENT_TYPES } from '@switchboard/protocol';
import { Redis } from 'ioredis';
import type {
  ChangeJournal,
  ChannelChangeType,
} from '../../src/core/stores/channel-changes/channel-change-sink.js';
import { ChannelChanges } from '../../src/core/stores/channel-changes/channel-changes.js';
import { MemoryChannelLog } from '../../src/core/stores/channel-log/memory-channel.log.js';
import { MemoryModuleStateStore } from '../../src/core/stores/module-state/memory-module-state.store.js';
import { MemoryOccupancyStore } from '../../src/core/stores/occupancy/memory-occupancy.store.js';
import { MemoryPresenceStore } from '../../src/core/stores/presence/memory-presence.store.js';
import type { RedisBackend } from '../../src/core/stores/redis/redis.backend.js';
import {
  type ChangingStores,
  describeChannelChangesBehaviour,
  describeUnwantedChangesBehaviour,
  journalLines,
  RecordingSink,
} from './channel-changes.behaviour.js';
import { describeChannelLogBehaviour } from './channel-log.behaviour.js';
import { describeModuleStateScopeBehaviour } from './module-state-scope.behaviour.js';
import { describeModuleStateBehaviour } from './module-state.behaviour.js';
import { describeOccupancyBehaviour } from './occupancy.behaviour.js';
import { describePresenceBehaviour } from './presence.behaviour.js';
import { memoryStores } from './support/memory-stores.js';
import { redisStores } from './support/redis-stores.js';
import { LOG_SETTINGS, type StoreFactory } from './support/store-fixture.js';
import { testRedisUrl } from '../redis/support/redis-keyspace.js';

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

// The ChannelChangeSink port: in memory, on one Redis with the journal (the deciding scripts
// append), and on Redis without it (reported after the scripts, as on a cluster).
const ALL_TYPES: ReadonlySet<ChannelChangeType> = new Set(WEBHOOK_EVENT_TYPES);
const PRESENCE_TYPES: ReadonlySet<ChannelChangeType> = new Set(['presence.joined', 'presence.left']);
let reader: Redis | undefined;
afterAll(async () => {
  await reader?.quit();
});

function memoryChanging(wanted: ReadonlySet<ChannelChangeType>): StoreFactory<ChangingStores> {
  return memoryStores(() => {
    const sink = new RecordingSink(wanted);
    const changes = new ChannelChanges(sink);
    return {
      occupancy: new MemoryOccupancyStore(changes),
      presence: new MemoryPresenceStore(changes),
      reported: () => Promise.resolve(sink.enqueued),
    };
  });
}

/** A journal of the test's own: a list and seq counters under the fixture's prefix. */
const journalUnder = (prefix: string): ChangeJournal => ({
  keys: (channel) => [`${prefix}journal`, `${prefix}journal-seq:${channel}`],
  capacity: 1_000,
  seqTtlSeconds: 60,
  tail: (channel, type, ts) => JSON.stringify({ type, channel, ts }).slice(1),
});

function redisChanging(
  name: string,
  wanted: ReadonlySet<ChannelChangeType>,
  journaled: boolean,
): StoreFactory<ChangingStores> {
  const sinks = new Map<string, RecordingSink>();
  return redisStores(
    name,
    (backend, prefix) => ({
      occupancy: backend.occupancy,
      presence: backend.presence,
      reported: async () => {
        const sink = sinks.get(prefix)!;
        if (!journaled) return sink.enqueued;
        if (sink.enqueued.length > 0)
          throw new Error(`enqueued although journaled: ${sink.enqueued.join(', ')}`);
        reader ??= new Redis(testRedisUrl());
        const lines = journalLines(await reader.lrange(`${prefix}journal`, 0, -1));
        if (sink.appendedCount !== lines.length)
          throw new Error(`${sink.appendedCount} appended reported for ${lines.length} journaled`);
        return lines;
      },
    }),
    (prefix) => {
      const sink = new RecordingSink(wanted, journaled ? journalUnder(prefix) : undefined);
      sinks.set(prefix, sink);
      return { changes: sink };
    },
  );
}

describeChannelChangesBehaviour('memory', memoryChanging(ALL_TYPES));
describeChannelChangesBehaviour('redis, journaled', redisChanging('changes-j', ALL_TYPES, true));
describeChannelChangesBehaviour(
  'redis, reported after the scripts',
  redisChanging('changes-r', ALL_TYPES, false),
);
describeUnwantedChangesBehaviour('memory', memoryChanging(PRESENCE_TYPES));
describeUnwantedChangesBehaviour('redis, journaled', redisChanging('changes-pj', PRESENCE_TYPES, true));
describeUnwantedChangesBehaviour('redis, reported after', redisChanging('changes-pr', PRESENCE_TYPES, false));
