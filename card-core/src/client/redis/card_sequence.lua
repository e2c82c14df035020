local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then
  return {0, math.max(redis.call('PTTL', KEYS[2]), 1)}
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', tonumber(ARGV[2]))
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local given = tonumber(ARGV[4])
local sequence
if ARGV[3] == 'again' then
  last = math.max(last, given)
  sequence = given
else
  local step = 1
  if ARGV[3] == 'jump' then step = tonumber(ARGV[5]) end
  sequence = math.max(last, given) + step
  last = sequence
end
if last > 2147483647 then return {-1, 0} end
redis.call('SET', KEYS[1], last, 'PX', tonumber(ARGV[6]))
return {sequence, 0}
