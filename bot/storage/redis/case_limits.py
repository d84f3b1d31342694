"""A case's messages a minute (COUNSELLORS_MESSAGES_PER_MINUTE) counted once for every process of
the bot (REDIS_URL): with several workers a person reaches the limit once, not once per worker.

The same sliding minute as `RelayLimit` (bot/services/counsellor_desk.py), in one Lua script on
Redis's clock: a sorted set of the minute's messages per case, an album's pictures one entry. Keys
are named by a hash of the bot's id and the case number only, and live a minute.
"""

import secrets

from redis.asyncio import Redis

from bot.storage.redis.key_names import bot_key

_ALLOW = """
pcall(redis.replicate_commands)  -- Redis < 7: a script that reads TIME and then writes needs this
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local window, most, album = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if album ~= '' and redis.call('ZSCORE', KEYS[1], 'album:' .. album) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= most then return 0 end
local member = album ~= '' and ('album:' .. album) or (now .. ':' .. ARGV[4])
redis.call('ZADD', KEYS[1], now, member)
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
return 1
"""

MINUTE_US = 60_000_000


class RedisCaseLimits:
    """`CaseLimit` (bot/services/counsellor_desk.py) for every process of one bot."""

    def __init__(self, redis: Redis, bot_id: int, per_minute: int) -> None:
        self._redis = redis
        self._bot_id = bot_id
        self._per_minute = per_minute
        self._allow = redis.register_script(_ALLOW)

    def _key(self, case_id: int) -> str:
        return bot_key(self._bot_id, f"case-minute-{case_id}")

    async def allow(self, case_id: int, album: str | None = None) -> bool:
        allowed = await self._allow(
            keys=[self._key(case_id)], args=[MINUTE_US, self._per_minute, album or "", secrets.token_hex(4)]
        )
        return bool(int(allowed))

    async def forget(self, case_id: int) -> None:
        await self._redis.delete(self._key(case_id))
