"""The per-person counts of a day or a week (`tallies.py`) in Redis, for several workers: the
daily report limit holds once for all of them, not once per worker.

Every worker must name a person's count alike, so the period's salt is kept in Redis too
(`safar:salt:<period>`, set by the first worker that needs it, expiring with the period); counts are
`safar:tally:<HMAC of what is counted with that salt>` and expire with the period as well. Nothing
in a key or value is a user key, a chat id or what was counted. Redis is the workers' shared
memory: with persistence off (docs/privacy.md) neither the salt nor the counts reach a disk.
"""

import secrets

from redis.asyncio import Redis

from bot.storage.redis.key_names import PREFIX
from bot.storage.stores.tallies import TallyPeriod, keyed

_TAKE = """
local counted = tonumber(redis.call('GET', KEYS[1]) or '0')
if counted >= tonumber(ARGV[1]) then
  return 0
end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""
"""Check and count in one step, so two workers cannot both take the last one."""


class RedisTally:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._take = redis.register_script(_TAKE)

    async def _salt(self, period: TallyPeriod) -> bytes:
        """The period's salt: the first worker to ask makes it, every other one reads the same."""
        name = f"{PREFIX}:salt:{period.name}"
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.set(name, secrets.token_bytes(32), nx=True, ex=period.seconds_left)
            pipe.get(name)
            _, salt = await pipe.execute()
        if salt is None:  # it expired between the two commands, as the period ended: make the next one's
            return await self._salt(period)
        return bytes(salt)

    async def take(self, period: TallyPeriod, what: str, most: int) -> bool:
        name = f"{PREFIX}:tally:{keyed(await self._salt(period), what)}"
        return bool(await self._take(keys=[name], args=[most, period.seconds_left]))
