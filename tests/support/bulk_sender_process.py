"""One scheduler process's bulk sender, for tests/test_shared_send_rate.py: sends `count` messages
through the fake Bot API at `base_url`, sharing the bot's rate through Redis at `redis_url`,
starting when `together` such processes have counted themselves ready at `ready_key`, so that they overlap."""

import asyncio
import sys
import time

from aiogram import Bot
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.config import Settings
from bot.runtime.app import bot_for
from bot.services.sender import BulkSender, Outcome, Outgoing
from bot.storage.redis.send_slots import RedisSendSlots
from bot.transport.outbound import bulk_delivery
from tests.support.fake_telegram import TOKEN

BOT_ID = int(TOKEN.split(":")[0])
WARM_UP = 999
"""The chat each process's first, unmeasured message goes to."""


def bulk_bot(base_url: str) -> Bot:
    settings = Settings(_env_file=None, bot_token=SecretStr(TOKEN), bot_api_base_url=base_url)  # type: ignore[call-arg]
    return bot_for(settings, retry=False)


class RecordedSlots:
    """The shared slots, noting when each was granted: what the limiter itself promises."""

    def __init__(self, slots: RedisSendSlots, granted: list[float]) -> None:
        self._slots, self._granted = slots, granted

    async def take(self) -> float:
        wait = await self._slots.take()
        if wait == 0:
            self._granted.append(time.monotonic())
        return wait

    async def pause(self, seconds: float) -> None:
        await self._slots.pause(seconds)


async def send(
    bot: Bot, redis: Redis, per_second: float, first_chat: int, count: int, granted: list[float] | None = None
) -> list[Outcome]:
    slots = RedisSendSlots(redis, BOT_ID, per_second)
    sender = BulkSender(
        bulk_delivery(bot),
        messages_per_second=per_second,
        shared=slots if granted is None else RecordedSlots(slots, granted),
    )
    outcomes: list[Outcome] = []

    async def record(item: Outgoing, outcome: Outcome) -> None:
        outcomes.append(outcome)

    await sender.send_all([Outgoing(first_chat + n, f"bulk {first_chat + n}") for n in range(count)], record)
    return outcomes


async def main(
    base_url: str, redis_url: str, per_second: str, first_chat: str, count: str, together: str, ready_key: str
) -> None:
    bot, redis = bulk_bot(base_url), Redis.from_url(redis_url)
    # Connected and warmed up, outside the measurement: a first message costs tens of milliseconds
    # more (aiogram builds much of itself lazily), which would arrive late among the next ones.
    await bulk_delivery(bot)(Outgoing(WARM_UP, "warm-up"))
    # A barrier: the last process to get ready lets every one go at once, each on its own token.
    if await redis.incr(ready_key) == int(together):
        await redis.rpush(f"{ready_key}:go", *["go"] * int(together))
    assert await redis.blpop([f"{ready_key}:go"], timeout=120) is not None, "the other senders never got ready"
    outcomes = await send(bot, redis, float(per_second), int(first_chat), int(count))
    await bot.session.close()
    await redis.aclose()
    print(sum(outcome is Outcome.SENT for outcome in outcomes))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
