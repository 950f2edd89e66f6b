import { JOURNAL_LUA } from '../core/stores/channel-changes/change-journal.scripts.js';
import { LuaScript } from '../core/stores/redis/lua-script.js';

/*
 * The webhook outbox in Redis. Every key shares the hash tag `{hooks}` (see
 * RedisWebhookOutboxStore), so in a cluster they live in one slot and each script touches
 * them all atomically: the seq counters, the queue, the batch in flight and the lease.
 */

/**
 * Appends events, each with its channel's next seq, unless `token` was applied already: the
 * same `journal_append` as the scripts that decide a transition and journal it themselves.
 * KEYS: 1 queue list, 2 applied-token key, 3.. one seq key per event.
 * ARGV: 1 capacity, 2 seq TTL s, 3 token TTL s, 4.. per event its JSON after the opening brace.
 * Returns the number of queued events dropped for capacity (-1: the token was applied before).
 */
export const APPEND_SCRIPT = new LuaScript(
  'webhook-append',
  `${JOURNAL_LUA}
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[3])) == false then return -1 end
local dropped = 0
for i = 3, #KEYS do
  dropped = dropped + journal_append(KEYS[1], KEYS[i], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[i + 1])
end
return dropped
`,
);

/**
 * Takes (or renews) the delivery lease for ARGV[1] when it is free or already ours.
 * KEYS: 1 lease. ARGV: 1 owner id, 2 lease ms. Returns 1 when ARGV[1] holds it.
 */
export const LEAD_SCRIPT = new LuaScript(
  'webhook-lead',
  `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`,
);

/** Frees the lease if ARGV[1] holds it. KEYS: 1 lease. Returns 1 when it was freed. */
export const RELEASE_SCRIPT = new LuaScript(
  'webhook-release',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

/**
 * The batch in flight, or a new one of the oldest queued events; only for the lease holder,
 * so a deliverer that lost its lease never starts a batch.
 * KEYS: 1 lease, 2 batch hash, 3 queue. ARGV: 1 owner, 2 max events, 3 id, 4 now ms,
 * 5 the body up to its events array (`{"id":"…","events":[`).
 * Returns { id, body, since } or nil.
 */
export const TAKE_SCRIPT = new LuaScript(
  'webhook-take',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
local batch = redis.call('HMGET', KEYS[2], 'id', 'body', 'since')
if batch[1] then return batch end
local items = redis.call('LRANGE', KEYS[3], 0, tonumber(ARGV[2]) - 1)
if #items == 0 then return false end
redis.call('LTRIM', KEYS[3], #items, -1)
local body = ARGV[5] .. table.concat(items, ',') .. ']}'
redis.call('HSET', KEYS[2], 'id', ARGV[3], 'body', body, 'since', ARGV[4])
return {ARGV[3], body, ARGV[4]}
`,
);

/** Ends the batch in flight if it is ARGV[1]. KEYS: 1 batch hash. */
export const COMPLETE_SCRIPT = new LuaScript(
  'webhook-complete',
  `
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);
