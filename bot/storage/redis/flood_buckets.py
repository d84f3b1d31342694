"""Per-user flood buckets in Redis (`SharedFloodBuckets`, bot/middlewares/update_guards.py): the
same token bucket as FloodGuard's own, seen by every worker, in one Lua script on Redis's clock.

A bucket is named by the user's keyed `user_key` (no raw id in a key Redis saves to disk) and
lives only while it is not full again: a calm user has no key at all.

An update's token is usually taken in the round trip that claims the update
(bot/middlewares/shared_updates.py, `FLOOD_TAKE` inside its script): the verdict is then handed to
the flood guard through `taken_with_claim`, and `take` costs no round trip of its own.
"""

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from redis.asyncio import Redis

from bot.storage.redis.key_names import PREFIX

Verdict = tuple[bool, bool]
"""(whether the update may go on, whether this refusal is the first of a flood)."""

FLOOD_TAKE = """
local function take_flood_token(key, rate, burst, refill_ms)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
  rate, burst = tonumber(rate), tonumber(burst)
  local bucket = redis.call('HMGET', key, 'tokens', 'updated', 'warned')
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
  redis.call('HSET', key, 'tokens', tostring(tokens), 'updated', string.format('%.6f', now),
             'warned', warned and '1' or '0')
  redis.call('PEXPIRE', key, refill_ms)
  return {allowed, first_refusal}
end
"""
"""A Lua function for scripts that take a token among other work; it reads TIME and then writes, so
a script using it starts with `pcall(redis.replicate_commands)` (needed on Redis < 7)."""

_TAKE = (
    "pcall(redis.replicate_commands)\n" + FLOOD_TAKE + "return take_flood_token(KEYS[1], ARGV[1], ARGV[2], ARGV[3])\n"
)

_UNWARN = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'warned', '0')
end
"""

_TAKEN: ContextVar[tuple[int, Verdict] | None] = ContextVar("safar_flood_verdict", default=None)


@contextmanager
def taken_with_claim(user_id: int, verdict: Verdict) -> Iterator[None]:
    """Within this block (the update's handling), `take(user_id)` answers `verdict` once."""
    token = _TAKEN.set((user_id, verdict))
    try:
        yield
    finally:
        _TAKEN.reset(token)


class RedisFloodBuckets:
    def __init__(self, redis: Redis, pseudonym: Callable[[str], str], rate: float, burst: int) -> None:
        self._pseudonym = pseudonym
        self._rate, self._burst = rate, burst
        self._refill_ms = math.ceil(burst / rate * 1000) + 1000  # then the bucket is full: no key needed
        self._take = redis.register_script(_TAKE)
        self._unwarn = redis.register_script(_UNWARN)

    def key(self, user_id: int) -> str:
        return f"{PREFIX}:flood:{self._pseudonym(str(user_id))}"

    @property
    def arguments(self) -> tuple[float, int, int]:
        """`take_flood_token`'s rate, burst and refill time."""
        return self._rate, self._burst, self._refill_ms

    async def take(self, user_id: int) -> Verdict:
        taken = _TAKEN.get()
        if taken is not None and taken[0] == user_id:
            _TAKEN.set(None)  # once: a second update handled in this context takes its own
            return taken[1]
        allowed, first_refusal = await self._take(keys=[self.key(user_id)], args=list(self.arguments))
        return bool(allowed), bool(first_refusal)

    async def unwarn(self, user_id: int) -> None:
        await self._unwarn(keys=[self.key(user_id)])
