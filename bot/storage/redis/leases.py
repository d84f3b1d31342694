"""Short-lived Redis keys that stand for work under way in this process (an update being handled,
a chat's lock held): each lives a few seconds and is renewed while the work goes on, so a process
killed half-way (`kill -9`, a lost machine) frees what it held within seconds, not never.

A key holds a random token; only its holder can renew, release or finish it (a check-and-act in one
Lua script), so a holder that stalled past its lease cannot undo the work of whoever took over.
"""

import asyncio
import contextlib
import logging
import secrets

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

LEASE_SECONDS = 10.0
"""How long a key outlives a process that died holding it."""

_RENEW = """
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i + 1] then redis.call('PEXPIRE', key, ARGV[1]) end
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_FINISH = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


class Leases:
    def __init__(self, redis: Redis, seconds: float = LEASE_SECONDS) -> None:
        self._redis = redis
        self._milliseconds = int(seconds * 1000)
        self._renew_every = seconds / 3
        self._held: dict[str, str] = {}
        self._keeper: asyncio.Task[None] | None = None
        self._renew = redis.register_script(_RENEW)
        self._release = redis.register_script(_RELEASE)
        self._finish = redis.register_script(_FINISH)

    @property
    def milliseconds(self) -> int:
        return self._milliseconds

    @staticmethod
    def new_token() -> str:
        return secrets.token_hex(8)

    async def take(self, key: str) -> str | None:
        """The key's token if it was free and is now this process's; None if someone holds it."""
        token = self.new_token()
        if not await self._redis.set(key, token, nx=True, px=self._milliseconds):
            return None
        self.adopt(key, token)
        return token

    def adopt(self, key: str, token: str) -> None:
        """Keep renewing a lease taken in a round trip that did more than take it (`SET key token NX
        PX milliseconds` inside a script or a pipeline)."""
        self._held[key] = token
        if self._keeper is None or self._keeper.done():
            self._keeper = asyncio.create_task(self._keep(), name="redis-leases")

    def forget(self, key: str) -> None:
        """Stop renewing a lease that a script released or finished."""
        self._held.pop(key, None)

    async def release(self, key: str, token: str) -> None:
        """Free the key now (if it is still ours); a failure only leaves it to expire."""
        self._held.pop(key, None)
        try:
            await self._release(keys=[key], args=[token])
        except RedisError as error:
            log.warning("a Redis lease could not be released and will expire by itself: %s", type(error).__name__)

    async def finish(self, key: str, token: str, value: str, seconds: int) -> None:
        """Turn the lease into a lasting mark (`value` for `seconds`), if it is still ours."""
        self._held.pop(key, None)
        await self._finish(keys=[key], args=[token, value, seconds])

    async def _keep(self) -> None:
        """Renew every held key in one round trip a few times per lease; ends when none is held."""
        while self._held:
            await asyncio.sleep(self._renew_every)
            held = dict(self._held)
            if not held:
                break
            try:
                await self._renew(keys=list(held), args=[self._milliseconds, *held.values()])
            except RedisError as error:
                log.warning("Redis leases could not be renewed: %s", type(error).__name__)

    async def close(self) -> None:
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
