"""Nothing a person or a counsellor sends is lost: every message of a case goes through a queue
written before Telegram hears the update was handled, into the counsellors' group at the group's
limit (about 20 a minute, shared by the whole desk), to the person discreetly ("💬 New answer",
then "Show"). A refusal is told to the side that wrote, and the queue goes on."""

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.handlers.callback_data import ShowAnswers
from bot.handlers.counsellor_answers import COUNSELLOR_BLOCKED, COUNSELLOR_REFUSED, NEW_ANSWER, NOTHING_TO_SHOW
from bot.handlers.counsellor_replies import SENT
from bot.handlers.counsellors import NOT_DELIVERED, TALK_LABEL
from bot.i18n import load_i18n
from bot.i18n.reminders import SHOW
from bot.runtime.app import Application, application
from bot.runtime.periodic_jobs import reminder_jobs
from bot.services.counsellor_relays import MemoryGroupBudget
from bot.storage.redis.group_budget import RedisGroupBudget
from tests.support.clock import ManualClock
from tests.support.desk import (
    COUNSELLOR_ID,
    GROUP,
    MONDAY_MORNING,
    copies_into,
    desk_process_settings,
    label,
    person_in_a_case,
    set_up_desk,
    told_in_topic,
)
from tests.support.fake_telegram import BOT_ID, BadRequest, FakeTelegram, FakeUser
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.processes import running
from tests.support.running import RunningBot
from tests.support.waiting import eventually
from tests.support.webhook_workers import RoundRobin, serve

TEST_MINUTE = 2.0
"""Telegram's minute for the group's limit, shrunk so the tests stay fast: the fake and the bot agree on it."""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
def desk_settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    telegram.group_rate_window = TEST_MINUTE
    return set_up_desk(settings, telegram)


@pytest.fixture
async def desk_bot(desk_settings: Settings, clock: ManualClock) -> AsyncIterator[RunningBot]:
    running = RunningBot(desk_settings, clock)
    await running.start()
    assert running.app.desk is not None
    running.app.desk.relays.budget = MemoryGroupBudget(20, TEST_MINUTE)
    yield running
    await running.stop()


async def thirty_messages_from_three_cases(bot: RunningBot, telegram: FakeTelegram) -> list[int]:
    people = []
    topics = []
    for n in range(3):
        person, topic = await person_in_a_case(bot, telegram, 5000 + n, "ru")
        people.append(person)
        topics.append(topic)
    for number in range(10):
        for person in people:
            await person.send(f"message {number}")
    await telegram.until(lambda: sum(len(copies_into(telegram, t)) for t in topics) >= 30, within=60)
    for topic in topics:
        assert [copy["text"] for copy in copies_into(telegram, topic)] == [f"message {n}" for n in range(10)]
    return topics


async def test_thirty_messages_from_three_cases_reach_their_topics_in_order_within_the_groups_limit(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    await thirty_messages_from_three_cases(desk_bot, telegram)
    assert telegram.group_refusals == 0  # the desk kept to the group's 20 a minute: no 429 at all


async def test_a_429_from_the_group_is_waited_out_and_loses_nothing(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    assert desk_bot.app.desk is not None
    desk_bot.app.desk.relays.budget = MemoryGroupBudget(40, TEST_MINUTE)  # a budget Telegram does not honour
    await thirty_messages_from_three_cases(desk_bot, telegram)
    assert telegram.group_refusals, "the test should have met the group's 429"
    # Each 429's retry_after is waited out by every case at once: no storm of refused copies.
    assert telegram.group_refusals <= 6, telegram.group_refusals

    async def queue_empty() -> bool:
        return await desk_bot.app.database.fetchall("SELECT id FROM counsellor_relays") == []

    await eventually(queue_empty, what="every row deleted once its copy was taken")


async def held_answers(bot: RunningBot, count: int) -> None:
    async def held() -> bool:
        rows = await bot.app.database.fetchall("SELECT id FROM counsellor_relays WHERE state = 'held'")
        return len(rows) == count

    await eventually(held, what=f"{count} answer(s) waiting for Show")


async def test_an_answer_arrives_discreetly_and_show_copies_every_waiting_answer_in_order(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user, topic = await person_in_a_case(desk_bot, telegram, 6001, "tg")
    counsellor = FakeUser(telegram, COUNSELLOR_ID, "en")
    await counsellor.post_in_topic(GROUP, topic, "First answer")
    notice = await user.reply()
    assert notice.text.startswith(label(desk_bot, NEW_ANSWER, "tg")) and "First answer" not in notice.text
    await counsellor.post_in_topic(GROUP, topic, "Second answer")
    await held_answers(desk_bot, 2)
    assert user.nothing_sent()  # one notice for both answers, not one each
    await user.press(notice, label(desk_bot, SHOW, "tg"))
    shown = [await user.reply(), await user.reply()]
    assert [(s.method, s.text) for s in shown] == [("copyMessage", "First answer"), ("copyMessage", "Second answer")]
    again = await user.press(notice, label(desk_bot, SHOW, "tg"))
    assert again.get("show_alert") and again["text"] == label(desk_bot, NOTHING_TO_SHOW, "tg")
    assert user.nothing_sent()


async def test_show_pressed_the_moment_the_notice_arrives_copies_the_answer(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    """The person taps "Show" before Safar has even heard back that its notice went (a fast thumb, a
    slow network): the answer is there to copy, not "nothing to show"."""
    user, topic = await person_in_a_case(desk_bot, telegram, 6005, "ru")
    shown = asyncio.Event()

    async def show_before_the_notice_returns(method: str, params: dict[str, Any]) -> None:
        if method == "sendMessage" and params.get("chat_id") == user.id and "reply_markup" in params:
            notice = await user.reply()
            answered = await user.press(notice, label(desk_bot, SHOW, "ru"))
            assert not answered.get("show_alert"), answered.get("text")
            shown.set()

    telegram.after_call = show_before_the_notice_returns
    try:
        await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "Answer for a fast thumb")
        await asyncio.wait_for(shown.wait(), 30)  # the notice came and "Show" was answered without an alert
        copy = await user.reply()
    finally:
        telegram.after_call = None
    assert (copy.method, copy.text) == ("copyMessage", "Answer for a fast thumb")

    async def queue_empty() -> bool:
        return await desk_bot.app.database.fetchall("SELECT id FROM counsellor_relays") == []

    await eventually(queue_empty, what="the shown answer's row deleted, none left 'held' for a second Show")


async def test_a_person_who_chose_plain_texts_gets_the_answer_itself(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user, topic = await person_in_a_case(desk_bot, telegram, 6002, "ru")
    await desk_bot.app.database.execute(
        "UPDATE user_settings SET plain_reminders = 1 WHERE user_key = :key",
        {"key": desk_bot.app.pseudonyms.user_key(user.id)},
    )
    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "Plain answer")
    answer = await user.reply()
    assert (answer.method, answer.text) == ("copyMessage", "Plain answer")


async def test_a_forged_or_stale_show_shows_nothing(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock, desk_settings: Settings
) -> None:
    owner, topic = await person_in_a_case(desk_bot, telegram, 6003, "ru")
    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "For the owner only")
    notice = await owner.reply()
    case = ShowAnswers.unpack(str(notice.button(label(desk_bot, SHOW, "ru"))["callback_data"])).case

    other, _ = await person_in_a_case(desk_bot, telegram, 6004, "ru")
    await other.send("/menu")
    await other.reply()  # "you are still talking to a counsellor", above the menu
    menu = await other.reply()
    forged = await other.press_data(menu, ShowAnswers(case=case).pack())  # someone else's case number
    assert forged.get("show_alert") and forged["text"] == label(desk_bot, NOTHING_TO_SHOW, "ru")
    assert other.nothing_sent() and "For the owner only" not in [c.get("text") for c in telegram.copies
                                                                 if c["chat_id"] == other.id]  # fmt: skip

    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "/close")
    await owner.reply()  # the case is closed; its answer still waits, through the grace period
    await owner.reply()  # "Did this help?"
    assert desk_bot.app.desk is not None
    clock.advance(hours=desk_settings.case_grace_hours + 1)
    await desk_bot.app.desk.housekeeping()
    assert await desk_bot.app.database.fetchall("SELECT id FROM counsellor_relays") == []  # gone with the link
    stale = await owner.press(notice, label(desk_bot, SHOW, "ru"))
    assert stale.get("show_alert") and stale["text"] == label(desk_bot, NOTHING_TO_SHOW, "ru")
    assert owner.nothing_sent()


async def test_forget_deletes_the_answers_waiting_for_show(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user, topic = await person_in_a_case(desk_bot, telegram, 6005, "uz")
    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "An answer")
    notice = await user.reply()
    await user.send("/forget")
    await user.press(await user.reply(), label(desk_bot, "Yes, erase", "uz"))
    await user.reply()
    assert await desk_bot.app.database.fetchall("SELECT id FROM counsellor_relays") == []
    gone = await user.press(notice, label(desk_bot, SHOW, "uz"))
    assert gone["text"] == label(desk_bot, NOTHING_TO_SHOW, "uz")


async def test_an_answer_to_a_person_who_blocked_the_bot_tells_the_counsellor_and_the_queue_goes_on(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    gone, gone_topic = await person_in_a_case(desk_bot, telegram, 6006, "ru")
    still, still_topic = await person_in_a_case(desk_bot, telegram, 6007, "ru")
    telegram.blocked_chats.add(gone.id)
    counsellor = FakeUser(telegram, COUNSELLOR_ID, "en")
    first = await counsellor.post_in_topic(GROUP, gone_topic, "Are you safe?")
    second = await counsellor.post_in_topic(GROUP, gone_topic, "Please write back")
    await counsellor.post_in_topic(GROUP, still_topic, "Another case's answer")
    assert (await still.reply()).text.startswith(label(desk_bot, NEW_ANSWER, "ru"))
    await telegram.until(lambda: len(told_in_topic(telegram, gone_topic)) == 2)
    told = told_in_topic(telegram, gone_topic)
    blocked = label(desk_bot, COUNSELLOR_BLOCKED, "en")
    assert [t["text"] for t in told] == [blocked, blocked]
    assert [t["reply_parameters"]["message_id"] for t in told] == [first, second]  # under the message it is about

    async def gone_rows_deleted() -> bool:
        return await desk_bot.app.database.fetchall("SELECT id FROM counsellor_relays WHERE case_id IN "
                                                    "(SELECT case_id FROM counsellor_cases WHERE topic_id = :t)",
                                                    {"t": gone_topic}) == []  # fmt: skip

    await eventually(gone_rows_deleted, what="the refused answers' rows deleted once the counsellor was told")


async def test_an_answer_telegram_refuses_tells_the_counsellor(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user, topic = await person_in_a_case(desk_bot, telegram, 6008, "en")
    counsellor = FakeUser(telegram, COUNSELLOR_ID, "en")
    big = await counsellor.post_in_topic(GROUP, topic, "A file too large")
    notice = await user.reply()
    telegram.fail_next("copyMessage", BadRequest("Bad Request: file is too big"))
    refused = await user.press(notice, label(desk_bot, SHOW, "en"))
    assert refused["text"] == label(desk_bot, NOTHING_TO_SHOW, "en")
    (told,) = told_in_topic(telegram, topic)
    assert told["text"] == label(desk_bot, COUNSELLOR_REFUSED, "en") and told["reply_parameters"]["message_id"] == big
    await counsellor.post_in_topic(GROUP, topic, "The next one")  # the queue goes on
    await user.press(await user.reply(), label(desk_bot, SHOW, "en"))
    assert (await user.reply()).text == "The next one"


async def test_a_message_the_group_refuses_is_told_to_the_person_in_their_language(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user, topic = await person_in_a_case(desk_bot, telegram, 6009, "uz")
    telegram.fail_next("copyMessage", BadRequest("Bad Request: message to copy not found"))
    await user.send("this one is refused")
    assert (await user.reply()).text == label(desk_bot, SENT, "uz")  # queued: the copy fails only later
    told = await user.reply()
    assert told.text == label(desk_bot, NOT_DELIVERED, "uz")
    await user.send("this one arrives")
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 1)
    assert copies_into(telegram, topic)[0]["text"] == "this one arrives"


def queued(directory: Path) -> int:
    """Rows waiting in the bot process's relay queue, read from its SQLite file."""
    with contextlib.closing(sqlite3.connect(directory / "data" / "safar.sqlite3")) as database:
        return int(database.execute("SELECT count(*) FROM counsellor_relays").fetchone()[0])


async def test_kill_9_mid_case_loses_no_message(tmp_path: Path, telegram: FakeTelegram) -> None:
    settings = desk_process_settings(telegram)
    i18n = load_i18n()
    user = telegram.user(user_id=7001, language_code="ru")
    sent = [f"message {n}" for n in range(8)]
    async with running(tmp_path, **settings) as process:
        await telegram.until(lambda: telegram.offsets, within=120)  # the process started and polls
        await start_in(user, LANGUAGE_LABELS["ru"])
        await user.send("/sos")  # a process on a loaded machine answers slowly: wait for it, not for a time
        await user.press(await user.reply(within=60), i18n.gettext(TALK_LABEL, locale="ru"))
        await user.press(await user.reply(within=60), i18n.gettext("Start", locale="ru"))
        await user.reply(within=60)
        (topic,) = telegram.topics
        copied: list[str] = []
        refused: list[str] = []

        def stall_the_fourth_copy(method: str, params: dict[str, Any]) -> None:
            if method == "copyMessage" and str(params["chat_id"]) == str(GROUP):
                if len(copied) == 3:
                    refused.append(str(params["message_id"]))
                    raise BadRequest("Internal Server Error", 500)  # the 4th copy never goes through
                copied.append(str(params["message_id"]))

        telegram.before_call = stall_the_fourth_copy
        for text in sent[:6]:
            await user.send(text)
        # Three copied and the fourth refused at least once: a queue of three then holds the 4th to 6th (a
        # queue of three alone may still hold the 3rd, its copy under way).
        await eventually(lambda: bool(refused) and queued(tmp_path) == 3, within=120, what="the last 3 messages queued")
        process.kill()  # while the 4th copy is retried: the queue holds it and the two after it
        await asyncio.wait_for(process.wait(), 60)
    telegram.before_call = None
    assert len(copies_into(telegram, topic)) == 3
    for text in sent[6:]:
        await user.send(text)  # written while no bot runs: Telegram keeps them

    def arrived() -> list[str]:
        return list(dict.fromkeys(str(copy["text"]) for copy in copies_into(telegram, topic)))

    polled_before_the_restart = len(telegram.offsets)
    async with running(tmp_path, **settings):
        await telegram.until(lambda: len(telegram.offsets) > polled_before_the_restart, within=120)
        await telegram.until(lambda: len(arrived()) == len(sent), within=60)
    assert arrived() == sent  # each at least once (the one under way at the kill may come twice), in order


@contextlib.asynccontextmanager
async def web_worker(settings: Settings) -> AsyncIterator[tuple[Application, int]]:
    """One web worker as `SAFAR_ROLE=web` runs it: its own database connection, Redis client, Bot
    API clients and relay queue, serving its webhook; the budget counts the test's short minute."""
    async with application(settings) as app, serve(app) as port, reminder_jobs(app):
        assert app.desk is not None and app.shared is not None
        app.desk.relays.budget = RedisGroupBudget(app.shared.redis, BOT_ID, 20, TEST_MINUTE)
        yield app, port


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_web_workers_on_postgresql_and_redis_relay_in_order_within_one_budget(
    telegram: FakeTelegram, desk_settings: Settings, redis_url: str
) -> None:
    desk_settings.redis_url = SecretStr(redis_url)
    desk_settings.safar_role = "web"
    async with (
        web_worker(desk_settings) as (first, a),
        web_worker(desk_settings) as (_, b),
        RoundRobin(telegram, [a, b]) as balancer,
    ):
        people, topics = [], []
        for n in range(3):
            person = telegram.user(user_id=8000 + n, language_code="ru")
            await start_in(person, LANGUAGE_LABELS["ru"])
            await person.send("/sos")
            await person.press(await person.reply(), label_in(first, TALK_LABEL, "ru"))
            await person.press(await person.reply(), label_in(first, "Start", "ru"))
            await person.reply()
            people.append(person)
            topics.append(max(telegram.topics))
        for number in range(10):
            for person in people:
                await person.send(f"message {number}")
        await telegram.until(lambda: sum(len(copies_into(telegram, t)) for t in topics) >= 30, within=60)
        assert {worker for _, worker in balancer.posted} == {0, 1}
    for topic in topics:
        assert [copy["text"] for copy in copies_into(telegram, topic)] == [f"message {n}" for n in range(10)]
    assert telegram.group_refusals == 0  # two workers, one budget: no 429 from the group


def label_in(app: Application, text: str, language: str) -> str:
    return app.i18n.gettext(text, locale=language)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_web_workers_share_one_count_of_a_cases_messages_a_minute(
    telegram: FakeTelegram, desk_settings: Settings, redis_url: str
) -> None:
    desk_settings.redis_url = SecretStr(redis_url)
    desk_settings.safar_role = "web"
    desk_settings.counsellors_messages_per_minute = 3
    async with (
        web_worker(desk_settings) as (first, a),
        web_worker(desk_settings) as (_, b),
        RoundRobin(telegram, [a, b]) as balancer,
    ):
        person = telegram.user(user_id=8100, language_code="ru")
        await start_in(person, LANGUAGE_LABELS["ru"])
        await person.send("/sos")
        await person.press(await person.reply(), label_in(first, TALK_LABEL, "ru"))
        await person.press(await person.reply(), label_in(first, "Start", "ru"))
        await person.reply()
        topic = max(telegram.topics)
        for number in range(5):  # alternately to each worker
            await person.send(f"message {number}")
        # "sent" from each worker (each keeps its own bursts: told twice, never not at all), two refusals
        replies = [await person.reply() for _ in range(4)]
        refused = [reply for reply in replies if reply.text.startswith("⏳")]
        await telegram.until(lambda: len(copies_into(telegram, topic)) == 3, within=60)
        assert {worker for _, worker in balancer.posted[-5:]} == {0, 1}
    assert [copy["text"] for copy in copies_into(telegram, topic)] == [f"message {n}" for n in range(3)]
    not_sent = first.i18n.gettext(
        "⏳ Not sent to the counsellor: more than {count} messages in a minute. Wait a minute, then send this one again.",
        locale="ru",
    ).format(count=3)
    assert [reply.text for reply in refused] == [not_sent, not_sent]
