"""Telegram's bulk rate (about 30 messages a second per bot) shared by every process sending for
the bot: reminders and broadcasts from N scheduler processes together stay under the cap.

A generic cell rate algorithm with no burst, in one Lua script: Redis keeps the earliest time the
next message may go (`tat`), messages are spaced `1/rate` apart, and Redis's own clock is the only
clock, so the processes' clocks need not agree. No one-second window ever holds more than `rate`
grants (a fixed per-second counter would allow twice that across a window boundary). A 429 moves
`tat` past its `retry_after` for everyone. The key is named by a hash of the bot's id
(bot/storage/redis/key_names.py) and expires a second after it stops mattering.
"""

import math

from redis.asyncio import Redis

from bot.storage.redis.key_names import bot_key

_NOW = """
pcall(redis.replicate_commands)  -- Redis < 7: a script that reads TIME and then writes needs this
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
"""
_TAKE = (
    _NOW
    + """
if tat > now then return tat - now end
redis.call('SET', KEYS[1], now + ARGV[1], 'PX', math.ceil(ARGV[1] / 1000) + 1000)
return 0
"""
)
_PAUSE = (
    _NOW
    + """
if now + ARGV[1] > tat then redis.call('SET', KEYS[1], now + ARGV[1], 'PX', math.ceil(ARGV[1] / 1000) + 1000) end
return 0
"""
)


class RedisSendSlots:
    """`SendSlots` (bot/services/sender.py) for every process of one bot."""

    def __init__(self, redis: Redis, bot_id: int, messages_per_second: float) -> None:
        self._key = bot_key(bot_id, "bulk-rate")
        self._interval_us = math.ceil(1_000_000 / messages_per_second)  # never `rate` + 1 in a second
        self._take = redis.register_script(_TAKE)
        self._pause = redis.register_script(_PAUSE)

    async def take(self) -> float:
        wait_us = await self._take(keys=[self._key], args=[self._interval_us])
        return int(wait_us) / 1_000_000

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=[self._key], args=[int(seconds * 1_000_000)])
