import { LuaScript } from '../redis/lua-script.js';

/*
 * A user's connections on every instance: one hash on the user's slot,
 * `<instance>/<connection>` → '1'. KEYS for every script: 1 that hash.
 */

/** ARGV: 1 connection field, 2 max. Returns 1 when recorded (or already there), 0 when full. */
export const CONNECTION_ACQUIRE_SCRIPT = new LuaScript(
  'connection-acquire',
  `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], '1')
return 1
`,
);

/** ARGV: 1 `<instance>/`. Removes that instance's connections; returns how many. */
export const CONNECTION_EVICT_SCRIPT = new LuaScript(
  'connection-evict',
  `
local prefix = ARGV[1]
local removed = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, #prefix) == prefix and not string.find(field, '/', #prefix + 1, true) then
    removed = removed + redis.call('HDEL', KEYS[1], field)
  end
end
return removed
`,
);
