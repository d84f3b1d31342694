"""Two webhook workers sharing one Redis and one database, as REDIS_URL is meant for: one
person's updates alternate between them (a load balancer's round robin) and the conversation
goes on as with one process; a retried update is handled once; two updates of one chat that
reach two workers at once are handled one after the other."""

import asyncio
import contextlib
import dataclasses
import secrets
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from redis.asyncio import Redis

from bot.config import Settings
from bot.handlers.conversation import durable_part
from bot.middlewares.chat_queues import ChatQueues
from bot.middlewares.cluster_locks import ClusterEventIsolation
from bot.middlewares.shared_updates import HANDLED, update_key
from bot.privacy.pseudonyms import Pseudonymizer
from bot.runtime.app import Application, application, create_dispatcher
from bot.runtime.shared_state import open_shared_state
from bot.runtime.webhook import WEBHOOK_PATH
from bot.storage.redis.tally import RedisTally
from bot.storage.stores.tallies import week_of
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.hotlines import RU_EMERGENCY, answers, open_russian_hotlines, tell
from tests.support.journeys import expected_text, open_topic, start_in
from tests.support.privacy import encodings_of
from tests.support.processes import free_port, run_to_end, running, stop
from tests.support.redis_server import RedisServer
from tests.support.reporting import report
from tests.support.waiting import eventually
from tests.support.webhook_workers import SECRET, RoundRobin, serve
from tests.test_flood import answers_a_picture


def chat_queues(app: Application) -> ChatQueues:
    queues = app.dispatcher["chat_queues"]
    assert isinstance(queues, ChatQueues)
    return queues


@contextlib.asynccontextmanager
async def two_workers(settings: Settings) -> AsyncIterator[tuple[Application, Application]]:
    """The bot as wired with REDIS_URL, and a second worker: its own dispatcher, Redis connection,
    locks and caches, over the same database and Redis (one SQLite file admits one process, so the
    second worker shares the first one's connection instead of opening its own)."""
    async with application(settings) as first:
        shared = await open_shared_state(settings, first.database, first.pseudonyms, durable_part)
        assert shared is not None
        flood = (settings.flood_updates_per_second, settings.flood_burst)
        dispatcher = create_dispatcher(first, flood=flood, shared=shared)
        for key in ("recent_messages", "report_retention_days"):
            dispatcher[key] = first.dispatcher[key]
        second = dataclasses.replace(first, dispatcher=dispatcher)
        try:
            yield first, second
        finally:
            await shared.close()


@contextlib.asynccontextmanager
async def behind_a_balancer(
    telegram: FakeTelegram, settings: Settings
) -> AsyncIterator[tuple[tuple[Application, Application], "RoundRobin"]]:
    """Two workers, each serving its webhook, with Telegram's calls dealt to them in turn."""
    async with (
        two_workers(settings) as workers,
        serve(workers[0]) as a,
        serve(workers[1]) as b,
        RoundRobin(telegram, [a, b]) as balancer,
    ):
        yield workers, balancer


@pytest.fixture
def redis_settings(settings: Settings, redis_url: str) -> Settings:
    settings.redis_url = SecretStr(redis_url)
    return settings


async def test_one_person_alternating_between_two_workers_goes_on_as_with_one(
    telegram: FakeTelegram, redis_settings: Settings, redis_url: str
) -> None:
    user = telegram.user(user_id=612_345_789, language_code="ru")
    async with behind_a_balancer(telegram, redis_settings) as (workers, balancer):
        menu = await start_in(user, "English")  # /start on one worker, the language on the other
        await open_topic(user, menu, "Red flags")
        lesson = await user.reply()
        assert lesson.text == expected_text("red_flags", "intro", "en"), "in English, at the lesson's start"
        await user.press(lesson, lesson.labels()[0])
        moved = await user.reply()
        assert moved.text != lesson.text, "the next step, whichever worker took the tap"
        thanks = await report(user, "They keep my passport", "Russia", "Safar Plus", "Taken in Kazan")
        assert thanks.startswith("Thank you."), "a form's steps kept their state across the workers"
        workers_used = {worker for _, worker in balancer.posted}
        assert workers_used == {0, 1}
        isolations = [worker.dispatcher.fsm.events_isolation for worker in workers]
        assert all(isinstance(isolation, ClusterEventIsolation) for isolation in isolations)

        def no_chat_locked() -> bool:  # the last update's lock is released after its reply
            return all(
                isolation.chats_in_flight() == 0
                for isolation in isolations
                if isinstance(isolation, ClusterEventIsolation)
            )

        await eventually(no_chat_locked, what="every chat lock released")
    redis = Redis.from_url(redis_url)
    keys = b" ".join(await redis.keys("*"))
    assert await redis.keys("safar:lock:*") == [], "no lock is kept for a chat with no update under way"
    await redis.aclose()
    assert b"safar:fsm:" in keys
    for name, encoded in encodings_of(user.id).items():
        assert encoded not in keys, f"a Redis key holds the chat id as {name}"


async def test_a_retried_update_is_handled_once_by_the_workers_together(
    telegram: FakeTelegram, redis_settings: Settings
) -> None:
    user = telegram.user(user_id=612_345_790, language_code="en")
    async with behind_a_balancer(telegram, redis_settings) as (_, balancer):
        await start_in(user, "English")
        await user.send("/privacy")
        await user.reply()
        update = telegram.updates[-1]
        await balancer.post(update, 0)  # Telegram did not hear the answer and tries again,
        await balancer.post(update, 1)  # through the load balancer, twice
        # Each post is answered only once its update was handled: a reply would be here already.
        assert user.nothing_sent(), "the retried update was not handled again"
        await user.send("/privacy")
        assert "What Safar keeps" in (await user.reply()).text, "the next update is handled as usual"


async def test_an_update_waiting_behind_its_chats_is_marked_handled_only_once_it_was(
    telegram: FakeTelegram, redis_settings: Settings, redis_url: str
) -> None:
    """A worker killed while an update waits for its chat's turn never answered Telegram: its retry
    must find the update still to do, not marked as handled."""
    user = telegram.user(user_id=612_345_796, language_code="en")
    redis = Redis.from_url(redis_url)
    async with two_workers(redis_settings) as workers, serve(workers[0]) as port:
        async with RoundRobin(telegram, [port]):
            await start_in(user, "English")

        with telegram.holding(user.id):  # the reply to /privacy is on its way until the block ends
            await user.send("/privacy")
            await user.send("/news")
            first, waiting = telegram.updates[-2:]
            calls = [asyncio.create_task(post_to(port, first))]
            await eventually(lambda: telegram.calls_held[user.id] == 1)
            calls.append(asyncio.create_task(post_to(port, waiting)))  # two calls open for one chat, as Telegram may
            await eventually(lambda: chat_queues(workers[0]).waiting() == 1)
            assert await redis.get(update_key(waiting["update_id"])) != HANDLED.encode(), "not marked while it waits"
        assert await asyncio.gather(*calls) == [200, 200]
        assert "What Safar keeps" in (await user.reply()).text
        assert "Safar's news" in (await user.reply()).text

        async def marked() -> bool:
            return bool(await redis.get(update_key(waiting["update_id"])) == HANDLED.encode())

        await eventually(marked, 10, what="the waiting update marked handled once it was")
    await redis.aclose()


async def test_two_updates_of_one_chat_on_two_workers_are_handled_one_after_the_other(
    telegram: FakeTelegram, redis_settings: Settings
) -> None:
    user = telegram.user(user_id=612_345_791, language_code="en")
    async with two_workers(redis_settings) as workers, serve(workers[0]) as a, serve(workers[1]) as b:
        async with RoundRobin(telegram, [a, b]):
            await start_in(user, "English")
        telegram.chat_latency[user.id] = 0.4
        # Not through RoundRobin: it posts one update after the other's answer, so they never meet.
        await user.send("/privacy")
        await user.send("/news")
        updates = telegram.updates[-2:]
        posting = [asyncio.create_task(post_to(a, updates[0]))]
        await eventually(lambda: telegram.under_way[user.id] == 1, what="the first worker's reply on its way")
        posting.append(asyncio.create_task(post_to(b, updates[1])))  # while the first is under way
        first, second = await user.reply(), await user.reply()
        assert await asyncio.gather(*posting) == [200, 200]
    assert "What Safar keeps" in first.text and "Safar's news" in second.text, "in the order they were sent"
    (first_at,) = [moment for moment, _, text in telegram.delivered if text == first.text]
    (second_at,) = [moment for moment, _, text in telegram.delivered if text == second.text]
    assert second_at - first_at >= 0.35, "the second waited for the first, though another worker took it"


async def test_forget_erases_the_conversation_kept_in_redis(
    telegram: FakeTelegram, redis_settings: Settings, redis_url: str
) -> None:
    user = telegram.user(user_id=612_345_792, language_code="en")
    async with behind_a_balancer(telegram, redis_settings):
        menu = await start_in(user, "English")
        await open_topic(user, menu, "Red flags")
        await user.reply()
        redis = Redis.from_url(redis_url)
        assert await redis.keys("safar:fsm:*") != [], "the conversation is in Redis"
        await user.send("/forget")
        await user.press(await user.reply(), "Yes, erase")
        await user.reply()
        assert await redis.keys("safar:fsm:*") == [], "and /forget took it out"
        await redis.aclose()


async def test_the_daily_report_limit_holds_for_the_workers_together(
    telegram: FakeTelegram, redis_settings: Settings, redis_url: str
) -> None:
    user = telegram.user(user_id=612_345_794, language_code="en")
    async with behind_a_balancer(telegram, redis_settings) as (workers, balancer):
        await start_in(user, "English")
        for agency in ("First", "Second", "Third"):
            assert (await report(user, "Wages not paid", "Russia", agency, None)).startswith("Thank you.")
        refused = await report(user, "Wages not paid", "Russia", "Fourth", None)
        assert refused.startswith("You have already sent 3 reports today."), "not 3 per worker"
        sent_by = {worker for update, worker in balancer.posted if update in report_ends(telegram, user.id)}
        assert sent_by == {0, 1}, "the reports were finished on both workers"
        await workers[0].unlinked.flush()
    redis = Redis.from_url(redis_url)
    counts = b" ".join(await redis.keys("safar:tally:*"))
    assert counts and await redis.keys("safar:salt:*")
    await redis.aclose()
    assert redis_settings.key_dir is not None
    user_key = Pseudonymizer((redis_settings.key_dir / "pseudonym.key").read_bytes().strip()).user_key(user.id)
    assert user_key.encode() not in counts, "counted under the day's salt, not the user key"
    for name, encoded in encodings_of(user.id).items():
        assert encoded not in counts, f"a Redis key holds the chat id as {name}"


async def post_to(port: int, update: dict[str, Any]) -> int:
    """Telegram's webhook call of `update` to the worker on `port`; its HTTP status."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"http://127.0.0.1:{port}{WEBHOOK_PATH}", json=update,
                  headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response,
    ):  # fmt: skip
        return response.status


def report_ends(telegram: FakeTelegram, user_id: int) -> set[int]:
    """The updates that finished a report (the 'Send without details' button)."""
    return {
        update["update_id"] for update in telegram.updates
        if update.get("callback_query", {}).get("data") == "rs" and update["callback_query"]["from"]["id"] == user_id
    }  # fmt: skip


async def test_an_unreachable_redis_is_one_clear_line_without_its_password(tmp_path: Path) -> None:
    url = f"redis://safar:hunter2-secret@127.0.0.1:{free_port()}/0"
    code, stderr = await run_to_end(tmp_path, BOT_TOKEN=TOKEN, REDIS_URL=url, LOG_LEVEL="DEBUG")
    assert code == 2
    assert stderr.splitlines()[-1] == (
        f"safar: REDIS_URL: no answer from Redis at {url.replace('safar:hunter2-secret@', '')} (ConnectionError)"
    )
    assert "hunter2" not in stderr and "Traceback" not in stderr


async def test_a_flood_spread_over_two_workers_is_limited_once(
    telegram: FakeTelegram, redis_settings: Settings
) -> None:
    limited = redis_settings.model_copy(update={"flood_updates_per_second": 3.0, "flood_burst": 10})
    flooder = telegram.user(user_id=612_345_793, language_code="ru")
    async with behind_a_balancer(telegram, limited) as (_, balancer):
        began = time.monotonic()
        for _ in range(100):  # all at once, every other one to each worker
            await flooder.send("паспорт")
        # Each post is answered once its update was handled (or refused): then every reply is out.
        await eventually(lambda: balancer.answered == 100, 60, what="every update of the flood answered")
        took = time.monotonic() - began
        to_flooder = []
        while not flooder.nothing_sent():
            to_flooder.append(await flooder.reply())
    notices = [m for m in to_flooder if m.text.startswith("Вы отправляете сообщения очень быстро")]
    assert len(notices) == 1, "one notice for the flood, not one per worker"
    answered = len(to_flooder) - len(notices)
    # However long a loaded machine takes to pass the flood on, the limit refills 3 a second for both together.
    assert 10 <= answered <= 10 + 3 * took + 1, f"{answered} answered in {took:.1f} s: a burst of 10, then 3 a second"


async def test_an_album_counts_against_the_shared_flood_limit_but_loses_no_picture_to_it(
    telegram: FakeTelegram, redis_settings: Settings
) -> None:
    limited = redis_settings.model_copy(update={"flood_updates_per_second": 1.0, "flood_burst": 3})
    person = telegram.user(user_id=612_345_795, language_code="en")
    async with behind_a_balancer(telegram, limited):
        await person.send_album(6)
        replies = [(await person.reply()).text for _ in range(6)]
        assert all(answers_a_picture(text, "en") for text in replies), "no 'slow down' instead"
        await person.send("/menu")
        assert (await person.reply()).text.startswith("You are sending messages very fast."), "the album used the burst"


async def test_an_update_whose_worker_was_killed_is_handled_by_another_when_telegram_resends_it(
    tmp_path: Path, redis_url: str
) -> None:
    """Real `python -m bot` workers: one is killed (`kill -9`) half-way through an update; Telegram,
    never answered, sends it again through the load balancer to the other, which handles it once
    the dead worker's claim has expired."""
    telegram = FakeTelegram(cancel_on_disconnect=True)  # the killed worker's call is never carried out
    await telegram.start()
    user = telegram.user(user_id=612_345_794, language_code="en")
    common = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "REDIS_URL": redis_url,
              "WEBHOOK_URL": "https://safar.example.org", "WEBHOOK_SECRET": SECRET, "LOG_LEVEL": "WARNING",
              "PSEUDONYM_KEY": secrets.token_hex(32), "DELIVERY_KEY": "ab" * 32}  # fmt: skip
    ports = [free_port(), free_port()]
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
    update = {"update_id": 9001, "message": {
        "message_id": 1, "date": 0, "chat": {"id": user.id, "type": "private"},
        "from": {"id": user.id, "is_bot": False, "first_name": "T", "language_code": "en"},
        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }}  # fmt: skip
    redis = Redis.from_url(redis_url)
    try:
        async with (
            running(folders[0], DB_PATH=str(folders[0] / "safar.sqlite3"), WEBHOOK_PORT=str(ports[0]), **common) as a,
            running(folders[1], DB_PATH=str(folders[1] / "safar.sqlite3"), WEBHOOK_PORT=str(ports[1]), **common) as b,
            aiohttp.ClientSession() as http,
        ):
            # Both started and told Telegram where they listen (a busy machine: 90 s).
            await eventually(lambda: sum(method == "setWebhook" for method, _ in telegram.calls) == 2, 90)

            async def deliver(port: int) -> None:
                url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
                async with http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as ok:
                    assert ok.status == 200

            # The webhook is answered only once the update is handled (cluster): this call is never answered.
            with telegram.holding(user.id):  # the first worker's reply hangs until it is killed
                first = asyncio.create_task(deliver(ports[0]))

                async def taken() -> bool:  # the first worker has taken the update
                    return bool(await redis.exists("safar:update:9001"))

                await eventually(taken, 30)
                # and is half-way through it: its reply has reached Telegram, which holds it.
                await eventually(lambda: telegram.calls_held[user.id] == 1, 30, what="the first worker's reply")
                a.kill()
                await a.wait()
                with pytest.raises(aiohttp.ClientError):  # the worker died without answering: Telegram resends
                    await first
            await deliver(ports[1])  # Telegram's resend reaches the other worker
            picker = await user.reply(within=30)
            assert "✅ English" in picker.labels(), "handled by the worker still alive"
            # The resend was answered once handled, and the dead worker's reply was never carried out.
            assert user.nothing_sent(), "and only once"
            assert await redis.get("safar:update:9001") == b"1"
            code, stderr = await stop(b)
            assert code == 0, stderr
    finally:
        await redis.aclose()
        await telegram.stop()


async def test_redis_losing_its_data_loses_nobodys_place(
    telegram: FakeTelegram, redis_settings: Settings, redis_url: str
) -> None:
    user = telegram.user(user_id=612_345_795, language_code="en")
    async with behind_a_balancer(telegram, redis_settings):
        menu = await start_in(user, "English")
        await open_topic(user, menu, "Recruiters")
        await user.press(await user.reply(), "No")
        contract = await user.reply()
        redis = Redis.from_url(redis_url)
        await redis.flushall()  # a Redis restart without persistence
        await redis.aclose()
        await user.press(contract, "They want to keep my passport")
        passport = await user.reply()
        assert passport.text == expected_text("recruitment", "passport", "en")
        await user.press(passport, "Back")
        assert (await user.reply()).text == expected_text("recruitment", "contract", "en")


async def test_a_callers_answer_counts_once_a_week_whichever_worker_takes_the_tap(
    telegram: FakeTelegram, redis_settings: Settings, redis_url: str, redis_server: RedisServer
) -> None:
    user = telegram.user(user_id=612_345_796, language_code="ru")
    async with behind_a_balancer(telegram, redis_settings) as (_, balancer):
        screen = await open_russian_hotlines(user)
        assert await tell(user, screen, RU_EMERGENCY, "❌ Не ответили") == (
            "Спасибо: так другие узнают, какие номера работают."
        )
        first_outcome = telegram.updates[-1]["update_id"]
        assert await tell(user, screen, RU_EMERGENCY, "✅ Да, ответили") == (
            "Вы уже сообщили об этом номере на этой неделе. Спасибо!"
        )
        second_outcome = telegram.updates[-1]["update_id"]
        worker_of = dict(balancer.posted)
        assert worker_of[first_outcome] != worker_of[second_outcome], "each answer reached another worker"
    assert answers(redis_settings) == [("ru_emergency", "no_answer", 1)], "counted once for both workers"
    now = datetime.now(UTC)
    week = week_of(now)
    redis = Redis.from_url(redis_url)
    try:
        salt = f"safar:salt:{week.name}".encode()
        assert salt in await redis.keys("safar:salt:*"), "the week's salt is shared in Redis"
        counted = await redis.keys("safar:tally:*")
        assert len(counted) == 1, "one keyed count for the caller's answer, whichever worker took it"
        for key in (salt, counted[0]):
            ttl = await redis.ttl(key)
            assert 0 < ttl <= week.seconds_left + 1, "gone with the week"
    finally:
        await redis.aclose()
    snapshot = redis_server.saved()
    for name, encoded in encodings_of(user.id).items():
        assert encoded not in snapshot, f"Redis's snapshot holds the chat id as {name}"


async def test_workers_agree_on_the_weeks_salt_even_after_redis_lost_it(redis_url: str) -> None:
    redis = Redis.from_url(redis_url)
    first, second = RedisTally(redis), RedisTally(redis)
    monday = datetime(2027, 3, 8, 9, 0, tzinfo=UTC)
    week = week_of(monday)
    try:
        assert await first.take(week, "call:x\x00a", 1)
        assert not await second.take(week, "call:x\x00a", 1), "the second worker took the first one's salt"
        await redis.flushall()  # Redis restarted without persistence: the salt and the counts are gone
        assert await second.take(week, "call:x\x00b", 1)  # the second worker makes a new salt
        assert await first.take(week, "call:x\x00a", 1)  # counted again, as after a restart
        assert not await second.take(week, "call:x\x00a", 1), "the first worker took the new salt"
        assert await first.take(week_of(monday + timedelta(days=7)), "call:x\x00a", 1), "a new week"
    finally:
        await redis.aclose()
