/**
 * Lua prepended to every script that decides a channel transition (occupancy and presence),
 * and to the webhook outbox's own append: one definition of how a change is journaled in
 * Redis, so a change appended by the script that decided it and one appended afterwards are
 * the same bytes in the same queue.
 *
 * `journal_append(queue, seqKey, capacity, ttl, tail, user)` gives the change its channel's
 * next seq (a counter with a TTL), pushes `{"seq":<n>,<tail>` onto the queue, merging the
 * user's JSON object into it when `user` is given (`tail` ends with `}`, the user JSON starts
 * with `{`), and trims the queue to `capacity`. Returns how many queued changes it dropped.
 *
 * `journal(k, a, user)` is the deciding scripts' form: the queue and seq key are KEYS[k] and
 * KEYS[k + 1], capacity, TTL and tail ARGV[a] to ARGV[a + 2]. A call without them (no sink,
 * an unwanted type, a Redis Cluster) journals nothing and returns 0: the script is the same
 * either way, and costs nothing more when nothing is journaled.
 */
export const JOURNAL_LUA = `
local function journal_append(queue, seqKey, capacity, ttl, tail, user)
  local seq = redis.call('INCR', seqKey)
  redis.call('EXPIRE', seqKey, ttl)
  local event = '{"seq":' .. seq .. ',' .. tail
  if user then event = string.sub(event, 1, -2) .. ',' .. string.sub(user, 2) end
  redis.call('RPUSH', queue, event)
  local over = redis.call('LLEN', queue) - capacity
  if over > 0 then
    redis.call('LTRIM', queue, over, -1)
    return over
  end
  return 0
end
local function journal(k, a, user)
  if not KEYS[k] then return 0 end
  return journal_append(KEYS[k], KEYS[k + 1], tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2], user)
end
`;
