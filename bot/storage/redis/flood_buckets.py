"""Per-user flood buckets in Redis (`SharedFloodBuckets`, bot/middlewares/update_guards.py): the
same token bucket as FloodGuard's own, seen by every worker, in one Lua script on Redis's clock.

A bucket is named by the user's keyed `user_key` (no raw id in a key Redis saves to disk) and
lives only while it is not full again: a calm user has no key at all.
"""

import math
from collections.abc import Callable

from redis.asyncio import Redis

from bot.storage.redis.key_names import PREFIX

_TAKE = """
pcall(redis.replicate_commands)  -- Redis < 7: a script that reads TIME and then writes needs this
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated', 'warned')
local tokens = math.min(burst, (tonumber(bucket[1]) or burst) + (now - (tonumber(bucket[2]) or now)) * rate)
local warned = bucket[3] == '1' and tokens < burst
local allowed, first_refusal = 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
elseif not warned then
  warned = true
  first_refusal = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', string.format('%.6f', now),
           'warned', warned and '1' or '0')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {allowed, first_refusal}
"""

_UNWARN = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'warned', '0')
end
"""


class RedisFloodBuckets:
    def __init__(self, redis: Redis, pseudonym: Callable[[str], str], rate: float, burst: int) -> None:
        self._pseudonym = pseudonym
        self._rate, self._burst = rate, burst
        self._refill_ms = math.ceil(burst / rate * 1000) + 1000  # then the bucket is full: no key needed
        self._take = redis.register_script(_TAKE)
        self._unwarn = redis.register_script(_UNWARN)

    async def take(self, user_id: int) -> tuple[bool, bool]:
        key = f"{PREFIX}:flood:{self._pseudonym(str(user_id))}"
        allowed, first_refusal = await self._take(keys=[key], args=[self._rate, self._burst, self._refill_ms])
        return bool(allowed), bool(first_refusal)

    async def unwarn(self, user_id: int) -> None:
        await self._unwarn(keys=[f"{PREFIX}:flood:{self._pseudonym(str(user_id))}"])
