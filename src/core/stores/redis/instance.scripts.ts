import { LuaScript } from './lua-script.js';

/**
 * One heartbeat: this instance's deadline (Redis time + TTL, so instances' clocks never
 * matter) and the instances whose deadline has passed. Each instance declares its own TTL,
 * so a test's short-lived instance and production ones can share a Redis.
 *
 * KEYS: 1 instances sorted set. ARGV: 1 instance id, 2 TTL ms.
 * Returns { 1 when this instance was not registered (first beat, or Redis lost it), dead ids }.
 */
export const HEARTBEAT_SCRIPT = new LuaScript(
  'heartbeat',
  `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local added = redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, 32)
return {added, dead}
`,
);

/**
 * Forgets a dead instance once its entries are gone, unless it came back meanwhile.
 * KEYS: 1 instances sorted set. ARGV: 1 instance id.
 */
export const FORGET_INSTANCE_SCRIPT = new LuaScript(
  'forget-instance',
  `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) < now then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
`,
);
