import { LuaScript } from '../redis/lua-script.js';

/**
 * Compare-and-set on one key, atomically (a script runs alone on its node).
 * KEYS: 1 the key. ARGV: 1 '1' when a value is expected, else '0'; 2 the expected value;
 * 3 the new value; 4 TTL in ms ('' for none). Returns 1 when written, 0 otherwise.
 */
export const COMPARE_AND_SET_SCRIPT = new LuaScript(
  'module-state-cas',
  `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[4] ~= '' then
  redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
return 1
`,
);

/**
 * INCRBY that sets the TTL only when it created the key. Whether it did is asked before the
 * INCRBY: a result equal to the increment does not tell (an existing 0 incremented by 5 is 5).
 * KEYS: 1 the key. ARGV: 1 the increment; 2 TTL in ms ('' for none). Returns the new value.
 */
export const INCREMENT_SCRIPT = new LuaScript(
  'module-state-incr',
  `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and ARGV[2] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
`,
);
