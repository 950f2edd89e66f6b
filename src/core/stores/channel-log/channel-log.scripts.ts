import { LuaScript } from '../redis/lua-script.js';

/**
 * Appends one publication, atomically (a script runs alone on its Redis node):
 * idempotency check, epoch, next offset, history (stream trimmed to HISTORY_SIZE), TTLs,
 * and the publish on the channel's feed. Publishing from inside the script is what makes
 * every instance receive a channel's publications in offset order: the feed messages leave
 * Redis in the order the scripts ran, which is the order the offsets were assigned.
 *
 * The top hash (the stream: epoch and offset) lives the stream TTL, the log (history) the
 * history TTL: a quiet channel loses its publications but keeps its position, so a client
 * at the top still recovers. Only a lost top starts a new epoch (and clears a stale log).
 *
 * KEYS: 1 top hash, 2 log stream, [3 idempotency key]
 * ARGV: 1 publication JSON without its closing brace (offset and epoch are appended here),
 *       2 keep ('1' | '0'), 3 history size, 4 history TTL seconds, 5 stream TTL seconds,
 *       6 idempotency TTL seconds, 7 epoch for a new life, 8 feed channel,
 *       9 'PUBLISH' | 'SPUBLISH'
 * Returns { duplicate (0 | 1), publication JSON }.
 */
export const APPEND_SCRIPT = new LuaScript(
  'append',
  `
if KEYS[3] then
  local earlier = redis.call('GET', KEYS[3])
  if earlier then return {1, earlier} end
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[7]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('DEL', KEYS[2])
end
local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
local publication = ARGV[1] .. ',"offset":' .. offset .. ',"epoch":"' .. epoch .. '"}'
redis.call('EXPIRE', KEYS[1], ARGV[5])
if ARGV[2] == '1' then
  redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[3], offset .. '-0', 'p', publication)
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
if KEYS[3] then
  redis.call('SET', KEYS[3], publication, 'EX', ARGV[6])
end
redis.call(ARGV[9], ARGV[8], publication)
return {0, publication}
`,
);

/**
 * Reads a channel's top and, optionally, stored publications from an offset on, in one
 * atomic step (so the top and the range agree). Starts the channel's epoch when it has
 * none, so an empty channel reports the epoch its first publication will carry.
 *
 * KEYS: 1 top hash, 2 log stream
 * ARGV: 1 epoch for a new life, 2 stream TTL seconds (kept by an empty channel's top), 3 first offset to read ('' reads nothing),
 *       4 count ('' for all), 5 only read when the epoch is this one ('' for any)
 * Returns { epoch, offset, publication JSON... }.
 */
export const READ_SCRIPT = new LuaScript(
  'read',
  `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('DEL', KEYS[2])
end
local offset = tonumber(redis.call('HGET', KEYS[1], 'offset') or '0')
if offset == 0 then
  -- An empty channel keeps the epoch it announced until its first publication.
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
local result = {epoch, offset}
if ARGV[3] ~= '' and (ARGV[5] == '' or ARGV[5] == epoch) then
  local entries
  if ARGV[4] ~= '' then
    entries = redis.call('XRANGE', KEYS[2], ARGV[3], '+', 'COUNT', ARGV[4])
  else
    entries = redis.call('XRANGE', KEYS[2], ARGV[3], '+')
  end
  for _, entry in ipairs(entries) do
    result[#result + 1] = entry[2][2]
  end
end
return result
`,
);
