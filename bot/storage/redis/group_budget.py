"""The counsellors' group's budget shared by every process of the bot (REDIS_URL): Telegram takes
about 20 messages a minute into one group, counted for the bot, not per process.

A sliding log in one Lua script, as Telegram counts: a sorted set of the last minute's sends, a
message may go while fewer than `messages` are in it; a 429 sets a pause everyone waits out. Redis's
own clock is the only clock. Also each case's turn (`RedisCaseTurns`): one process sends a case's
messages at a time, so they stay in order; a process killed mid-case frees its turn within seconds
(bot/storage/redis/leases.py). Keys are named by a hash of the bot's id and the case number only.
"""

import math
import secrets

from redis.asyncio import Redis

from bot.common.telegram_limits import counted_window
from bot.storage.redis.key_names import bot_key
from bot.storage.redis.leases import Leases

_NOW = """
pcall(redis.replicate_commands)  -- Redis < 7: a script that reads TIME and then writes needs this
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
"""
_TAKE = (
    _NOW
    + """
local window = tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[2])) or 0
if paused > now then return paused - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
return 0
"""
)
_PAUSE = (
    _NOW
    + """
local until = now + tonumber(ARGV[1])
if until > (tonumber(redis.call('GET', KEYS[1])) or 0) then
  redis.call('SET', KEYS[1], until, 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return 0
"""
)


class RedisGroupBudget:
    """`GroupBudget` (bot/services/counsellor_relays.py) for every process of one bot."""

    def __init__(self, redis: Redis, bot_id: int, messages: int, window: float = 60.0) -> None:
        self._log = bot_key(bot_id, "group-sends")
        self._paused = bot_key(bot_id, "group-paused")
        self._window_us = math.ceil(counted_window(window) * 1_000_000)
        self._messages = messages
        self._take = redis.register_script(_TAKE)
        self._pause = redis.register_script(_PAUSE)

    async def take(self) -> float:
        wait_us = await self._take(keys=[self._log, self._paused], args=[self._window_us, self._messages,
                                                                          secrets.token_hex(4)])  # fmt: skip
        return int(wait_us) / 1_000_000

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self._paused], args=[int(seconds * 1_000_000)])


class RedisCaseTurns:
    """`CaseTurns`: a case's messages are sent by one process at a time, whichever took its turn."""

    def __init__(self, leases: Leases, bot_id: int) -> None:
        self._leases = leases
        self._bot_id = bot_id

    def _key(self, case_id: int) -> str:
        return bot_key(self._bot_id, f"relay-case-{case_id}")

    async def take(self, case_id: int) -> str | None:
        return await self._leases.take(self._key(case_id))

    async def release(self, case_id: int, token: str) -> None:
        await self._leases.release(self._key(case_id), token)
