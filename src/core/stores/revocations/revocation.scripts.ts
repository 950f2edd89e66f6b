import { LuaScript } from '../redis/lua-script.js';

/*
 * Token revocations: one hash, user id → `<before seconds>:<until ms>`. `until` is Redis
 * time, so the instances' clocks only matter to within the (long) revocation TTL.
 * KEYS for every script: 1 that hash.
 */

const NOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/**
 * ARGV: 1 user id, 2 before, 3 TTL ms. An active revocation with a later `before` keeps it
 * (never weakened); the TTL starts again. Returns { before, until } now in force. A `before`
 * that is not a number is refused with an error reply, never written (the caller checks it
 * first; `string.format` would fail on it half-way).
 */
export const REVOKE_SCRIPT = new LuaScript(
  'revoke',
  `${NOW}
local before = tonumber(ARGV[2])
if not before then return redis.error_reply('ERR revoke: before is not a number') end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local sep = string.find(old, ':', 1, true)
  local oldBefore = tonumber(string.sub(old, 1, sep - 1))
  if tonumber(string.sub(old, sep + 1)) > now and oldBefore > before then before = oldBefore end
end
local untilMs = now + tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%d', before, untilMs))
return {before, untilMs}
`,
);

/** ARGV: 1 user id. Returns 1 when a revocation still in force was removed, else 0. */
export const LIFT_SCRIPT = new LuaScript(
  'lift-revocation',
  `${NOW}
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
local sep = string.find(old, ':', 1, true)
if sep and tonumber(string.sub(old, sep + 1)) > now then return 1 end
return 0
`,
);

/** Drops expired revocations; returns the others as a flat { user id, value, … } list. */
export const ACTIVE_REVOCATIONS_SCRIPT = new LuaScript(
  'active-revocations',
  `${NOW}
local live = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local value = all[i + 1]
  local sep = string.find(value, ':', 1, true)
  if sep and tonumber(string.sub(value, sep + 1)) > now then
    live[#live + 1] = all[i]
    live[#live + 1] = value
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
return live
`,
);
