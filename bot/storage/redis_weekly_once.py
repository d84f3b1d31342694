"""Once per account, thing and week, for every worker of the bot together (REDIS_URL): a caller's
"did this number answer?" and a flagged screen count once however many workers their taps reach.

The week's salt is random, and it is kept in Redis, the memory the workers share, under a TTL
that ends with the week; nothing of it is written anywhere else. The first worker that needs it
sets it and the others take it, so all of them hash alike. What Redis remembers are keyed hashes
of (user_key, thing) with that salt, under the same TTL: when the week ends the salt and the
hashes expire together, and no copy of the disk can link a hash to an account again. A worker
that still holds a salt Redis lost (a Redis restart) is handed the new one before it counts.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from redis.asyncio import Redis

from bot.storage.campaigns import iso_week
from bot.storage.redis_keys import PREFIX

_FIRST_TIME = """
local salt = redis.call('GET', KEYS[1])
if not salt then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[4])
elseif salt ~= ARGV[1] then
  return {-1, salt}
end
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 or redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then
  return {0}
end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
return {1}
"""


def seconds_left_in_week(now: datetime) -> int:
    """Until Monday 00:00 UTC, when the next ISO week begins (at least one second)."""
    monday = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((monday + timedelta(days=7) - now).total_seconds()))


class RedisWeeklyOnce:
    """`first_time` of bot/services/contact_health.py's WeeklyOnce, shared by every worker."""

    def __init__(self, redis: Redis, limit: int) -> None:
        self._limit = limit
        self._first_time = redis.register_script(_FIRST_TIME)
        self._week = ""
        self._salt = b""

    async def first_time(self, user_key: str, thing: str, now: datetime) -> bool:
        week = iso_week(now.date())
        if week != self._week:
            self._week, self._salt = week, secrets.token_bytes(32)  # offered; Redis may hold another worker's
        keys = [f"{PREFIX}:once-salt:{week}", f"{PREFIX}:once:{week}"]
        for _ in range(2):  # at most once with a salt Redis does not hold
            digest = hashlib.blake2b(f"{user_key}\x00{thing}".encode(), key=self._salt, digest_size=16).digest()
            answer = await self._first_time(
                keys=keys, args=[self._salt, digest, self._limit, seconds_left_in_week(now)]
            )
            if int(answer[0]) >= 0:
                return int(answer[0]) == 1
            self._salt = bytes(answer[1])
        return False  # the salt changed twice in a moment: not counted rather than counted twice
