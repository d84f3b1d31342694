"""What several bot processes must share when REDIS_URL is set: conversation state, one update at a
time per chat, the update ids already handled, the per-user flood limit, the bulk send rate, the
counsellors' group's budget, each case's turn to relay and its messages a minute, and the per-person counts of a day or
week (the daily report limit). Unset, each stays in its process (and
the database) as before: DatabaseFSMStorage, ReleasingEventIsolation, DuplicateUpdates, the sender's own
pacing and MemoryTally.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiogram.utils.token import extract_bot_id
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.config import Settings
from bot.middlewares.cluster_locks import ClusterEventIsolation
from bot.middlewares.shared_updates import SharedDuplicateUpdates
from bot.runtime.startup_checks import StartupError
from bot.storage.backends.sqlite import Database
from bot.storage.redis.case_limits import RedisCaseLimits
from bot.storage.redis.conversations import RedisConversations
from bot.storage.redis.flood_buckets import RedisFloodBuckets
from bot.storage.redis.group_budget import RedisCaseTurns, RedisGroupBudget
from bot.storage.redis.key_names import PseudonymousRedisNames
from bot.storage.redis.leases import Leases
from bot.storage.redis.send_slots import RedisSendSlots
from bot.storage.redis.tally import RedisTally
from bot.storage.stores.conversations import Durable

log = logging.getLogger(__name__)


class RedisUnavailable(StartupError):
    """REDIS_URL is set but Redis does not answer: the bot must not start without what it shares."""


def where(url: str) -> str:
    """The URL without user or password, fit for a log line or an error."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"


async def connect(url: str) -> Redis:
    redis = Redis.from_url(url)
    try:
        await redis.ping()  # type: ignore[misc]  # typed for the sync and async clients at once
    except (RedisError, OSError) as error:
        await redis.aclose()
        # The error's own text may quote the URL; only its kind is said.
        raise RedisUnavailable(f"REDIS_URL: no answer from Redis at {where(url)} "
                               f"({type(error).__name__})") from None  # fmt: skip
    return redis


@dataclass
class SharedState:
    redis: Redis
    leases: Leases
    storage: RedisConversations
    isolation: ClusterEventIsolation
    duplicates: SharedDuplicateUpdates
    send_slots: RedisSendSlots
    flood: RedisFloodBuckets
    tally: RedisTally
    """Per-person counts of a day or a week (the daily report limit, campaign opens)."""
    group_budget: RedisGroupBudget
    """The counsellors' group's messages a minute, for every process together."""
    case_turns: RedisCaseTurns
    """One process at a time sends a case's relays, in order."""
    case_limits: RedisCaseLimits
    """A case's messages a minute (COUNSELLORS_MESSAGES_PER_MINUTE), for every process together."""

    async def close(self) -> None:
        await self.leases.close()
        await self.redis.aclose()


async def open_shared_state(
    settings: Settings, database: Database, pseudonym: Callable[[str], str], durable: Durable
) -> SharedState | None:
    """Connected and checked (a bot that cannot reach Redis says so at start, not at the first
    update); None without REDIS_URL."""
    if settings.redis_url is None:
        return None
    assert settings.bot_token is not None
    url = settings.redis_url.get_secret_value()
    redis = await connect(url)
    keys = PseudonymousRedisNames(pseudonym)
    leases = Leases(redis)
    bot_id = extract_bot_id(settings.bot_token.get_secret_value())
    log.info("conversations, locks, seen updates, flood limits, the bulk rate and daily counts are shared through %s",
             where(url))  # fmt: skip
    conversations = RedisConversations(redis, keys, database, durable)
    flood = RedisFloodBuckets(redis, pseudonym, settings.flood_updates_per_second, settings.flood_burst)
    return SharedState(
        redis,
        leases,
        conversations,
        ClusterEventIsolation(redis, keys, leases, conversations),
        SharedDuplicateUpdates(redis, leases, flood),  # claims an update and takes its flood token at once
        RedisSendSlots(redis, bot_id, settings.bulk_messages_per_second),
        flood,
        RedisTally(redis),
        RedisGroupBudget(redis, bot_id, settings.counsellors_group_messages_per_minute),
        RedisCaseTurns(leases, bot_id),
        RedisCaseLimits(redis, bot_id, settings.counsellors_messages_per_minute),
    )
