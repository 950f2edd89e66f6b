import { LuaScript } from '../redis/lua-script.js';

/*
 * Presence of one channel, in three hashes on the channel's slot:
 *   connections: `<instance>/<connection>` → user id
 *   counts:      user id → number of its connections (all instances)
 *   users:       user id → presence user JSON
 * KEYS for every script: 1 connections, 2 users, 3 counts.
 * A user joins when its count goes 0 → 1 and leaves when it drops back to 0, inside one
 * script, so among all instances exactly one caller sees each join and each leave.
 */

/** ARGV: 1 connection field, 2 user id, 3 user JSON. Returns 1 when the user joined. */
export const PRESENCE_ADD_SCRIPT = new LuaScript(
  'presence-add',
  `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
if redis.call('HINCRBY', KEYS[3], ARGV[2], 1) == 1 then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
`,
);

/** ARGV: 1 connection field. Returns the user JSON when the user left, else nil. */
export const PRESENCE_REMOVE_SCRIPT = new LuaScript(
  'presence-remove',
  `
local userId = redis.call('HGET', KEYS[1], ARGV[1])
if not userId then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HINCRBY', KEYS[3], userId, -1) > 0 then return false end
local user = redis.call('HGET', KEYS[2], userId) or cjson.encode({userId = userId})
redis.call('HDEL', KEYS[3], userId)
redis.call('HDEL', KEYS[2], userId)
return user
`,
);

/**
 * Removes every connection of one instance (fields `<instance>/<connection>`; connection ids
 * never contain '/'). ARGV: 1 `<instance>/`. Returns the JSON of each user that left.
 */
export const PRESENCE_EVICT_SCRIPT = new LuaScript(
  'presence-evict',
  `
local prefix = ARGV[1]
local left = {}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local field, userId = fields[i], fields[i + 1]
  if string.sub(field, 1, #prefix) == prefix and not string.find(field, '/', #prefix + 1, true) then
    redis.call('HDEL', KEYS[1], field)
    if redis.call('HINCRBY', KEYS[3], userId, -1) <= 0 then
      left[#left + 1] = redis.call('HGET', KEYS[2], userId) or cjson.encode({userId = userId})
      redis.call('HDEL', KEYS[3], userId)
      redis.call('HDEL', KEYS[2], userId)
    end
  end
end
return left
`,
);
