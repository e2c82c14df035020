local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local answered = now - tonumber(ARGV[8])
local id = ARGV[1]
local function settle(key, span, keep)
  redis.call('ZREM', key, id)
  if keep then
    redis.call('ZADD', key, string.format('%.3f', answered + span), id .. ':a')
    redis.call('PEXPIRE', key, math.ceil(span) + 60000)
  end
end
local sent = ARGV[5] == '1'
settle(KEYS[1], tonumber(ARGV[2]), sent)
settle(KEYS[2], tonumber(ARGV[3]), sent)
if ARGV[7] == '1' then settle(KEYS[3], tonumber(ARGV[4]), sent and ARGV[6] == '1') end
if sent then
  local l = math.min(tonumber(ARGV[9]), 1000)
  local v = tonumber(redis.call('GET', KEYS[4]) or '0')
  v = math.max(l, v * 0.95 + l * 0.05)
  redis.call('SET', KEYS[4], string.format('%.3f', v), 'PX', 60000)
end
return 1
