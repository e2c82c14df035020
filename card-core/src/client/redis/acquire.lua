local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local id = ARGV[1]
local lease = tonumber(ARGV[2])
local per_second = tonumber(ARGV[3])
local second_span = tonumber(ARGV[4])
local key_limit = tonumber(ARGV[8])
local function ms(x) return string.format('%.3f', x) end
local function us(x) return math.max(1, math.ceil(x * 1000)) end
local epoch = redis.call('GET', KEYS[9])
if not epoch then
  epoch = ARGV[11]
  redis.call('SET', KEYS[9], epoch)
end
redis.call('PEXPIRE', KEYS[9], 600000)
epoch = tonumber(epoch)
redis.call('ZADD', KEYS[4], ms(now + 60000), ARGV[10])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ms(now))
redis.call('PEXPIRE', KEYS[4], 60000)
local replicas = redis.call('ZCARD', KEYS[4])
-- Milliseconds from now until fewer than `limit` entries of `key` count at time `at`: 0 if
-- they already are, -1 if it takes the answer of a request still in flight.
local function wait(key, limit, at)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ms(now))
  local n = redis.call('ZCOUNT', key, '(' .. ms(at), '+inf')
  if n < limit then return 0 end
  local e = redis.call('ZRANGEBYSCORE', key, '(' .. ms(at), '+inf', 'WITHSCORES', 'LIMIT', n - limit, 1)
  if string.sub(e[1], -2) == ':a' then return math.max(tonumber(e[2]) - now, 0.001) end
  return -1
end
local queue = KEYS[6]
-- Reservations whose slot passed long ago: their replica died or gave up.
redis.call('ZREMRANGEBYSCORE', queue, '-inf', ms(now - tonumber(ARGV[7])))
local latency = tonumber(redis.call('GET', KEYS[7]) or '0')
local interval = (second_span + latency) / per_second
local slot = redis.call('ZSCORE', queue, id)
if slot then
  slot = tonumber(slot)
else
  local tat = tonumber(redis.call('GET', KEYS[3]) or '0')
  slot = math.max(tat, now)
  if key_limit > 0 then
    local w = wait(KEYS[5], key_limit, slot)
    if w < 0 then return {1, us(10), replicas, epoch} end
    if w > 0 then return {1, us(w), replicas, epoch} end
  end
  redis.call('SET', KEYS[3], ms(slot + interval), 'PX', 60000)
  redis.call('ZADD', queue, ms(slot), id)
  redis.call('PEXPIRE', queue, 60000)
end
if slot > now then return {2, us(slot - now), replicas, epoch} end
local head = redis.call('ZRANGE', queue, 0, 0)
if head[1] ~= id then
  local blocked = tonumber(redis.call('GET', KEYS[8]) or '0')
  return {3, us(math.max(blocked - now, 1)), replicas, epoch}
end
local w1 = wait(KEYS[1], per_second, now)
local w2 = wait(KEYS[2], tonumber(ARGV[5]), now)
if w1 ~= 0 or w2 ~= 0 then
  local w = math.max(w1, w2, interval / 4)
  redis.call('SET', KEYS[8], ms(now + w), 'PX', 60000)
  return {2, us(w), replicas, epoch}
end
if key_limit > 0 then
  local w = wait(KEYS[5], key_limit, now)
  if w ~= 0 then
    -- Another replica took the key meanwhile: give the slot up, ask again later.
    redis.call('ZREM', queue, id)
    return {1, us(math.max(w, 10)), replicas, epoch}
  end
end
redis.call('ZREM', queue, id)
redis.call('ZADD', KEYS[1], ms(now + lease), id)
redis.call('PEXPIRE', KEYS[1], lease + second_span)
redis.call('ZADD', KEYS[2], ms(now + lease), id)
redis.call('PEXPIRE', KEYS[2], lease + tonumber(ARGV[6]))
if key_limit > 0 then
  redis.call('ZADD', KEYS[5], ms(now + lease), id)
  redis.call('PEXPIRE', KEYS[5], lease + tonumber(ARGV[9]))
end
return {0, 0, replicas, epoch}
