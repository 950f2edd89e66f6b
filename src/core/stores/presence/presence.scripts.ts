import { JOURNAL_LUA } from '../channel-changes/change-journal.scripts.js';
import { LuaScript } from '../redis/lua-script.js';

/*
 * Presence of one channel, in three hashes on the channel's slot:
 *   connections: `<instance>/<connection>` → user id
 *   counts:      user id → number of its connections (all instances)
 *   users:       user id → presence user JSON
 * KEYS for every script: 1 connections, 2 users, 3 counts, then optionally the change
 * journal's 4 queue, 5 seq key (see JOURNAL_LUA), whose capacity, TTL and tail follow the
 * script's ARGV.
 * A user joins when its count goes 0 → 1 and leaves when it drops back to 0, inside one
 * script, so among all instances exactly one caller sees each join and each leave, and
 * journals it in the same step when it passes the journal's keys.
 */

/**
 * ARGV: 1 connection field, 2 user id, 3 user JSON, [4..6 journal].
 * Returns { 1 when the user joined, queued changes dropped by the journal }.
 */
export const PRESENCE_ADD_SCRIPT = new LuaScript(
  'presence-add',
  `${JOURNAL_LUA}
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return {0, 0} end
if redis.call('HINCRBY', KEYS[3], ARGV[2], 1) == 1 then
  redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
  return {1, journal(4, 4, ARGV[3])}
end
return {0, 0}
`,
);

/**
 * ARGV: 1 connection field, [2..4 journal].
 * Returns { the user JSON when the user left (else nil), changes dropped }.
 */
export const PRESENCE_REMOVE_SCRIPT = new LuaScript(
  'presence-remove',
  `${JOURNAL_LUA}
local userId = redis.call('HGET', KEYS[1], ARGV[1])
if not userId then return {false, 0} end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HINCRBY', KEYS[3], userId, -1) > 0 then return {false, 0} end
local user = redis.call('HGET', KEYS[2], userId) or cjson.encode({userId = userId})
redis.call('HDEL', KEYS[3], userId)
redis.call('HDEL', KEYS[2], userId)
return {user, journal(4, 2, user)}
`,
);

/**
 * Removes every connection of one instance (fields `<instance>/<connection>`; connection ids
 * never contain '/'). ARGV: 1 `<instance>/`, [2..4 journal].
 * Returns { the JSON of each user that left, changes dropped }.
 */
export const PRESENCE_EVICT_SCRIPT = new LuaScript(
  'presence-evict',
  `${JOURNAL_LUA}
local prefix = ARGV[1]
local left = {}
local dropped = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local field, userId = fields[i], fields[i + 1]
  if string.sub(field, 1, #prefix) == prefix and not string.find(field, '/', #prefix + 1, true) then
    redis.call('HDEL', KEYS[1], field)
    if redis.call('HINCRBY', KEYS[3], userId, -1) <= 0 then
      local user = redis.call('HGET', KEYS[2], userId) or cjson.encode({userId = userId})
      left[#left + 1] = user
      redis.call('HDEL', KEYS[3], userId)
      redis.call('HDEL', KEYS[2], userId)
      dropped = dropped + journal(4, 2, user)
    end
  end
end
return {left, dropped}
`,
);
