"""One contract for conversation state, run unchanged against both storages: the database one
(one process, the default) and the Redis one (REDIS_URL, several workers). A person's place in a
lesson survives a restart and Redis losing its data; an idle hour drops what was typed; `/forget`
erases it all; and nothing at rest holds their chat id."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from redis.asyncio import Redis

from bot.handlers.conversation import durable_part
from bot.middlewares.cluster_locks import ClusterEventIsolation
from bot.privacy.pseudonyms import Pseudonymizer
from bot.storage.backends.sqlite import Database, open_database
from bot.storage.redis.conversations import RedisConversations
from bot.storage.redis.key_names import PseudonymousRedisNames
from bot.storage.redis.leases import Leases
from bot.storage.stores.conversations import DatabaseFSMStorage, ForgetsAccounts
from bot.storage.stores.user_settings import UserSettingsStore
from tests.support.clock import ManualClock
from tests.support.privacy import encodings_of
from tests.support.redis_server import RedisServer

CHAT_ID = 612_345_789
KEY = StorageKey(bot_id=42, chat_id=CHAT_ID, user_id=CHAT_ID)
PSEUDONYMS = Pseudonymizer(b"p" * 32)
IDLE = 3600.0
"""The idle hour: tests move the clock (and Redis's TTLs) instead of waiting for it."""
PLACE = {"conversation": {"position": ["red_flags", "wages"]}}
TYPED = {
    "conversation": {"position": ["red_flags", "wages"], "history": [["main", "menu"]]},
    "report": {"agency": "Zarina Recruiting Abroad"},
}


@dataclass
class Backend:
    """A storage under test, and how to make it forget what it keeps outside the database."""

    name: str
    database: Database
    make: Callable[[], BaseStorage]
    time_passes: Callable[[float], Awaitable[None]]
    """Seconds go by for the storage: its clock moves, and Redis's time-to-live shrinks."""
    lose_memory: Callable[[], Awaitable[None]]
    """A restart of every process (and, for Redis, the server losing its data)."""
    at_rest: Callable[[], Awaitable[bytes]]
    """Everything the storage has written to disk."""


@pytest.fixture(params=["database", "redis"])
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    database = await open_database(tmp_path / "safar.sqlite3")
    db_files = [tmp_path / "safar.sqlite3", tmp_path / "safar.sqlite3-wal"]

    def disk() -> bytes:
        return b"".join(path.read_bytes() for path in db_files if path.exists())

    if request.param == "database":

        async def nothing() -> None:
            pass

        async def database_at_rest() -> bytes:
            return disk()

        clock = ManualClock(datetime(2027, 3, 10, 9, tzinfo=UTC))

        async def advance(seconds: float) -> None:
            clock.advance(seconds=seconds)

        yield Backend(
            "database", database, lambda: DatabaseFSMStorage(database, PSEUDONYMS, durable_part, clock=clock),
            advance, nothing, database_at_rest,
        )  # fmt: skip
    else:
        server: RedisServer = request.getfixturevalue("redis_server")
        request.getfixturevalue("redis_url")  # emptied
        redis = Redis.from_url(server.url)

        async def flush() -> None:
            await redis.flushall()

        async def redis_at_rest() -> bytes:
            keys = b" ".join(await redis.keys("*"))
            return keys + server.saved() + disk()

        async def shorten_lives(seconds: float) -> None:
            """Redis counts time itself: what would be left of each key's life after `seconds`."""
            for name in await redis.keys("*"):
                left = await redis.pttl(name)
                if left < 0:
                    continue  # no time-to-live (or already gone)
                if left <= seconds * 1000:
                    await redis.delete(name)
                else:
                    await redis.pexpire(name, left - int(seconds * 1000))

        keys = PseudonymousRedisNames(PSEUDONYMS)
        yield Backend(
            "redis", database, lambda: RedisConversations(redis, keys, database, durable_part),
            shorten_lives, flush, redis_at_rest,
        )  # fmt: skip
        await redis.aclose()
    await database.close()


async def test_state_and_data_are_kept_between_updates(backend: Backend) -> None:
    storage = backend.make()
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    await storage.set_state(KEY, "ReportOffer:details")
    await storage.set_data(KEY, TYPED)
    assert await storage.get_state(KEY) == "ReportOffer:details"
    assert await storage.get_data(KEY) == TYPED
    other = StorageKey(bot_id=42, chat_id=CHAT_ID + 1, user_id=CHAT_ID + 1)
    assert await storage.get_data(other) == {}, "another person's conversation is their own"
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None
    assert await storage.update_data(KEY, {"extra": 1}) == TYPED | {"extra": 1}


async def test_an_idle_hour_drops_what_was_typed_and_keeps_the_place(backend: Backend) -> None:
    storage = backend.make()
    await storage.set_state(KEY, "ReportOffer:details")
    await storage.set_data(KEY, TYPED)
    for _ in range(3):  # activity keeps the conversation: only idleness ends it
        await backend.time_passes(IDLE / 2)
        assert await storage.get_state(KEY) == "ReportOffer:details"
        assert (await storage.get_data(KEY))["report"] == TYPED["report"]
    await backend.time_passes(IDLE + 1)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == PLACE


async def test_the_place_survives_a_restart_and_only_the_place(backend: Backend) -> None:
    storage = backend.make()
    await storage.set_state(KEY, "ReportOffer:details")
    await storage.set_data(KEY, TYPED)
    await backend.lose_memory()
    restarted = backend.make()
    assert await restarted.get_state(KEY) is None
    assert await restarted.get_data(KEY) == PLACE
    stored = await backend.database.fetchall("SELECT data FROM fsm_state")
    assert stored == [('{"conversation": {"position": ["red_flags", "wages"]}}',)], "only the place on disk"


async def test_a_changed_place_is_saved_even_after_its_state_expired(backend: Backend) -> None:
    storage = backend.make()
    await storage.set_data(KEY, PLACE)
    await backend.time_passes(IDLE + 1)
    moved = {"conversation": {"position": ["contracts", "start"]}}
    await storage.set_data(KEY, moved)
    await backend.lose_memory()
    assert await backend.make().get_data(KEY) == moved
    await backend.make().set_data(KEY, PLACE)  # back where it was: still written, whatever was cached
    await backend.lose_memory()
    assert await backend.make().get_data(KEY) == PLACE


async def test_forget_erases_the_conversation_everywhere(backend: Backend) -> None:
    storage = backend.make()
    await storage.set_state(KEY, "ReportOffer:details")
    await storage.set_data(KEY, TYPED)
    user_key = PSEUDONYMS.user_key(CHAT_ID)
    await UserSettingsStore(backend.database).forget(user_key)  # /forget's database part
    assert isinstance(storage, ForgetsAccounts)
    await storage.forget(user_key)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    assert b"Zarina" not in await backend.at_rest()
    assert b"red_flags" not in await backend.at_rest()


async def test_nothing_at_rest_holds_the_chat_id(backend: Backend) -> None:
    storage = backend.make()
    await storage.set_state(KEY, "ReportOffer:details")
    await storage.set_data(KEY, TYPED)
    await storage.get_data(StorageKey(bot_id=42, chat_id=CHAT_ID, user_id=CHAT_ID, destiny="other"))
    stored = await backend.at_rest()
    assert b"red_flags" in stored, "the place is at rest: the scan sees what is stored"
    little_endian = {f"little-endian integer ({n} bytes)": CHAT_ID.to_bytes(n, "little") for n in (4, 8)}
    for name, encoded in (encodings_of(CHAT_ID) | little_endian).items():
        assert encoded not in stored, f"the {backend.name} storage keeps the chat id as {name}"


async def test_within_an_updates_lock_redis_is_read_once_and_only_changes_are_written(
    redis_url: str, tmp_path: Path
) -> None:
    """Under the chat's lock the conversation is read with the lock's own round trip, and what the
    update changed is written with the release: two round trips for the whole update."""
    database = await open_database(tmp_path / "safar.sqlite3")
    redis = Redis.from_url(redis_url)
    keys = PseudonymousRedisNames(PSEUDONYMS)
    storage = RedisConversations(redis, keys, database, durable_part)
    leases = Leases(redis)
    isolation = ClusterEventIsolation(redis, keys, leases, storage)
    async with isolation.lock(KEY):  # Redis learns the release's script
        await storage.set_data(KEY, TYPED)
    await redis.config_resetstat()
    async with isolation.lock(KEY):
        assert await storage.get_state(KEY) is None
        handed = await storage.get_data(KEY)
        handed["report"]["agency"] = "changed by a handler without saving"
        assert await storage.get_data(KEY) == TYPED, "each caller gets its own copy"
        await storage.set_state(KEY, None)  # unchanged: nothing to write
        await storage.update_data(KEY, {"extra": 1})
        assert await storage.get_data(KEY) == TYPED | {"extra": 1}, "the update reads its own write"
        names = keys.conversation(KEY)
        assert b"extra" not in await redis.hget(names.account, f"{names.conversation}:data"), "kept for the release"
        assert await redis.exists(keys.build(KEY, "lock")) == 1
    calls = {name: value["calls"] for name, value in (await redis.info("commandstats")).items()}
    assert calls.get("cmdstat_hmget") == 1, calls
    assert calls.get("cmdstat_evalsha") == 1, calls  # the release, with the write and no HDEL
    assert "cmdstat_hdel" not in calls, calls
    assert await redis.exists(keys.build(KEY, "lock")) == 0, "the lock is released"
    assert await storage.get_data(KEY) == TYPED | {"extra": 1}, "written to Redis at the release"
    await leases.close()
    await redis.aclose()
    await database.close()


async def test_a_conversation_erased_under_the_lock_is_not_written_back_at_the_release(
    redis_url: str, tmp_path: Path
) -> None:
    database = await open_database(tmp_path / "safar.sqlite3")
    redis = Redis.from_url(redis_url)
    keys = PseudonymousRedisNames(PSEUDONYMS)
    storage = RedisConversations(redis, keys, database, durable_part)
    leases = Leases(redis)
    isolation = ClusterEventIsolation(redis, keys, leases, storage)
    async with isolation.lock(KEY):
        await storage.set_state(KEY, "ReportOffer:details")
        await storage.update_data(KEY, {"typed": "Barakat"})
        await storage.forget(keys.conversation(KEY).user_key)
    assert await redis.exists(keys.conversation(KEY).account) == 0
    assert await storage.get_state(KEY) is None
    await leases.close()
    await redis.aclose()
    await database.close()
