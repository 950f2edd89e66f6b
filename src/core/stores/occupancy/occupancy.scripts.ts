import { JOURNAL_LUA } from '../channel-changes/change-journal.scripts.js';
import { LuaScript } from '../redis/lua-script.js';

/*
 * Occupancy of one channel, in two hashes on the channel's slot:
 *   connections: `<instance>/<connection>` → user id
 *   users:       user id → number of its subscribed connections (all instances)
 * so `subscribers` is HLEN connections and `users` is HLEN users.
 * KEYS for every script: 1 connections, 2 users, then optionally the change journal's
 * 3 queue, 4 seq key (see JOURNAL_LUA), whose capacity, TTL and tail follow the script's ARGV.
 * The channel's 0 → 1 and 1 → 0 transitions are decided here, so among all instances exactly
 * one caller sees each, and journals it in the same step when it passes the journal's keys.
 */

/**
 * ARGV: 1 connection field, 2 user id, [3..5 journal]. Returns { 1 when the channel went from
 * no subscriber to one (`channel.occupied`), queued changes dropped by the journal }.
 */
export const OCCUPANCY_ADD_SCRIPT = new LuaScript(
  'occupancy-add',
  `${JOURNAL_LUA}
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return {0, 0} end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if redis.call('HLEN', KEYS[1]) ~= 1 then return {0, 0} end
return {1, journal(3, 3)}
`,
);

/**
 * ARGV: 1 connection field, [2..4 journal]. Returns { the channel's remaining subscribers,
 * 1 when this removal took the last one (`channel.vacated`), changes dropped }.
 */
export const OCCUPANCY_REMOVE_SCRIPT = new LuaScript(
  'occupancy-remove',
  `${JOURNAL_LUA}
local userId = redis.call('HGET', KEYS[1], ARGV[1])
if not userId then return {redis.call('HLEN', KEYS[1]), 0, 0} end
redis.call('HDEL', KEYS[1], ARGV[1])
if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then redis.call('HDEL', KEYS[2], userId) end
local remaining = redis.call('HLEN', KEYS[1])
if remaining > 0 then return {remaining, 0, 0} end
return {0, 1, journal(3, 2)}
`,
);

/**
 * Removes every connection of one instance (fields `<instance>/<connection>`; connection ids
 * never contain '/'). ARGV: 1 `<instance>/`, [2..4 journal]. Returns as the remove script.
 */
export const OCCUPANCY_EVICT_SCRIPT = new LuaScript(
  'occupancy-evict',
  `${JOURNAL_LUA}
local prefix = ARGV[1]
local removed = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local field, userId = fields[i], fields[i + 1]
  if string.sub(field, 1, #prefix) == prefix and not string.find(field, '/', #prefix + 1, true) then
    redis.call('HDEL', KEYS[1], field)
    if redis.call('HINCRBY', KEYS[2], userId, -1) <= 0 then redis.call('HDEL', KEYS[2], userId) end
    removed = removed + 1
  end
end
local remaining = redis.call('HLEN', KEYS[1])
if remaining > 0 or removed == 0 then return {remaining, 0, 0} end
return {0, 1, journal(3, 2)}
`,
);

/** Returns { subscribers, users }. */
export const OCCUPANCY_COUNT_SCRIPT = new LuaScript(
  'occupancy-count',
  `return {redis.call('HLEN', KEYS[1]), redis.call('HLEN', KEYS[2])}`,
);

/** The reply of the remove and evict scripts. */
export function removalReply(reply: unknown): { remaining: number; vacated: boolean; dropped: number } {
  const [remaining, vacated, dropped] = reply as [number, number, number];
  return { remaining: Number(remaining), vacated: Number(vacated) === 1, dropped: Number(dropped) };
}
