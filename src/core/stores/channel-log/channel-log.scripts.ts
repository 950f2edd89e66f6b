import { LuaScript } from '../redis/lua-script.js';

/** The append script's first reply field: what happened. */
export const APPENDED = 0;
export const DUPLICATE = 1;
/** The channel has no stream and the call brought no pending epoch: nothing was written. */
export const NEEDS_EPOCH = 2;

/**
 * Appends one publication, atomically (a script runs alone on its Redis node):
 * idempotency check, epoch, next offset, history (stream trimmed to HISTORY_SIZE), TTLs,
 * and the publish on the channel's feed. Publishing from inside the script is what makes
 * every instance receive a channel's publications in offset order: the feed messages leave
 * Redis in the order the scripts ran, which is the order the offsets were assigned.
 *
 * The top hash (the stream: epoch and offset) lives the stream TTL, the log (history) the
 * history TTL: a quiet channel loses its publications but keeps its position, so a client
 * at the top still recovers. Only a lost top starts a new epoch (and clears a stale log), in
 * the deployment's pending epoch (see stream-rules.ts), which the caller reads from its own
 * key and passes in: a call without it that finds no stream answers {@link NEEDS_EPOCH} and
 * writes nothing. The pending epoch's key is on another slot, so the script cannot read it.
 *
 * The idempotency record holds what a replay answers (channel, event, ts, the caller's
 * receipt, then offset and epoch), never the payload: a few hundred bytes whatever its size.
 *
 * KEYS: 1 top hash, 2 log stream, [3 idempotency key]
 * ARGV: 1 publication JSON without its closing brace (offset and epoch are appended here),
 *       2 keep ('1' | '0'), 3 history size, 4 history TTL seconds, 5 stream TTL seconds,
 *       6 idempotency TTL seconds, 7 pending epoch ('' when the caller has not read it),
 *       8 feed channel, 9 'PUBLISH' | 'SPUBLISH',
 *       10 idempotency record JSON without its closing brace ('' without KEYS[3])
 * Returns { APPENDED, publication JSON } | { DUPLICATE, record JSON } | { NEEDS_EPOCH }.
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
  if ARGV[7] == '' then return {2} end
  epoch = ARGV[7]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('DEL', KEYS[2])
end
local offset = redis.call('HINCRBY', KEYS[1], 'offset', 1)
local position = ',"offset":' .. offset .. ',"epoch":"' .. epoch .. '"}'
local publication = ARGV[1] .. position
redis.call('EXPIRE', KEYS[1], ARGV[5])
if ARGV[2] == '1' then
  redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[3], offset .. '-0', 'p', publication)
  redis.call('EXPIRE', KEYS[2], ARGV[4])
end
if KEYS[3] then
  redis.call('SET', KEYS[3], ARGV[10] .. position, 'EX', ARGV[6])
end
redis.call(ARGV[9], ARGV[8], publication)
return {0, publication}
`,
);

/**
 * Reads a channel's top and, optionally, stored publications from an offset on, in one
 * atomic step (so the top and the range agree). Creates nothing (contract v3 §6): a channel
 * without a stream answers an empty reply, and the caller answers the pending epoch.
 *
 * KEYS: 1 top hash, 2 log stream
 * ARGV: 1 first offset to read ('' reads nothing), 2 count ('' for all),
 *       3 only read when the epoch is this one ('' for any)
 * Returns {} without a stream, else { epoch, offset, publication JSON... }.
 */
export const READ_SCRIPT = new LuaScript(
  'read',
  `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then return {} end
local offset = tonumber(redis.call('HGET', KEYS[1], 'offset') or '0')
local result = {epoch, offset}
if ARGV[1] ~= '' and (ARGV[3] == '' or ARGV[3] == epoch) then
  local entries
  if ARGV[2] ~= '' then
    entries = redis.call('XRANGE', KEYS[2], ARGV[1], '+', 'COUNT', ARGV[2])
  else
    entries = redis.call('XRANGE', KEYS[2], ARGV[1], '+')
  end
  for _, entry in ipairs(entries) do
    result[#result + 1] = entry[2][2]
  end
end
return result
`,
);

/**
 * The deployment's pending epoch (see stream-rules.ts): the one in its key, or, when there is
 * none (expired, evicted, a flushed Redis), the candidate, stored for its lifetime and never
 * refreshed, so it is replaced once that has passed.
 *
 * KEYS: 1 the pending epoch's key. ARGV: 1 candidate epoch, 2 lifetime in seconds.
 */
export const PENDING_EPOCH_SCRIPT = new LuaScript(
  'pending-epoch',
  `
local pending = redis.call('GET', KEYS[1])
if pending then return pending end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]
`,
);
