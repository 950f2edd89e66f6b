import { LuaScript } from '../redis/lua-script.js';

/*
 * Occupancy of one channel, in two hashes on the channel's slot:
 *   connections: `<instance>/<connection>` → user id
 *   users:       user id → number of its subscribed connections (all instances)
 * so `subscribers` is HLEN connections and `users` is HLEN users.
 * KEYS for every script: 1 connections, 2 users.
 */

/** ARGV: 1 connection field, 2 user id. Returns 1 when recorded, 0 when it already was. */
export const OCCUPANCY_ADD_SCRIPT = new LuaScript(
  'occupancy-add',
  `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
return 1
`,
);

/** ARGV: 1 connection field. Returns the channel's remaining subscribers. */
export const OCCUPANCY_REMOVE_SCRIPT = new LuaScript(
  'occupancy-remove',
  `
local userId = redis.call('HGET', KEYS[1], ARGV[1])
if userId then
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then redis.call('HDEL', KEYS[2], userId) end
end
return redis.call('HLEN', KEYS[1])
`,
);

/**
 * Removes every connection of one instance (fields `<instance>/<connection>`; connection ids
 * never contain '/'). ARGV: 1 `<instance>/`. Returns the channel's remaining subscribers.
 */
export const OCCUPANCY_EVICT_SCRIPT = new LuaScript(
  'occupancy-evict',
  `
local prefix = ARGV[1]
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local field, userId = fields[i], fields[i + 1]
  if string.sub(field, 1, #prefix) == prefix and not string.find(field, '/', #prefix + 1, true) then
    redis.call('HDEL', KEYS[1], field)
    if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then redis.call('HDEL', KEYS[2], userId) end
  end
end
return redis.call('HLEN', KEYS[1])
`,
);

/** Returns { subscribers, users }. */
export const OCCUPANCY_COUNT_SCRIPT = new LuaScript(
  'occupancy-count',
  `return {redis.call('HLEN', KEYS[1]), redis.call('HLEN', KEYS[2])}`,
);
