"""The counsellors' desk measured without linking anyone: staff read cases per week, the time to a
first answer, the cases waiting and the "Did this help?" answers in /stats and /metrics, and the
desk's entries in /audit; none of it can be joined to a case, a chat or an account, even once every
case's own rows are gone."""

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.handlers.callback_data import DeskHelped
from bot.privacy.secret_keys import ChatCipher
from bot.services.desk_figures import DeskFigures
from bot.services.unlinked_writes import UnlinkedWrites
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.counsellor_cases import CounsellorCaseStore
from bot.storage.stores.desk_figures import DeskFigureStore
from bot.storage.stores.events import Period
from bot.storage.stores.staff_audit import StaffAuditStore
from tests.support.clock import ManualClock
from tests.support.desk import COUNSELLOR_ID, GROUP, MONDAY_MORNING, label, open_case, person_in_a_case
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.privacy import encodings_of
from tests.support.processes import free_port
from tests.support.running import STAFF_ID, RunningBot
from tests.support.waiting import eventually

VIEWER_ID = 951
WAITS = (0, 1, 2, 3, 5, 8)
"""Hours each of the first week's cases waits for its first answer: median 2, 90th percentile 8."""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
async def desk_bot(settings: Settings, telegram: FakeTelegram, clock: ManualClock) -> AsyncIterator[RunningBot]:
    telegram.add_group(GROUP)
    settings.counsellors_chat_id = GROUP
    settings.counsellors_organisation = "Hamsafar NGO"
    settings.admin_ids = frozenset({STAFF_ID})
    settings.staff_roles = {COUNSELLOR_ID: frozenset({"counsellor"}), VIEWER_ID: frozenset({"viewer"})}
    settings.reminder_check_seconds = 0.1
    settings.metrics_port = free_port()
    running = RunningBot(settings, clock)
    await running.start()
    yield running
    await running.stop()


def case_number(acknowledgement: Sent) -> int:
    """The case's number, as the person's acknowledgement says it: "(case #12)"."""
    return int(acknowledgement.text.split("#")[1].split(")")[0])


async def answered(person: FakeUser, topic: int) -> None:
    await FakeUser(person.telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "We can help.")
    notice = await person.reply(
        within=30
    )  # discreet: "💬 New answer", then "Show" (the queue sends it; PG under load is slow)
    await person.press(notice, notice.labels()[0])
    assert (await person.reply()).method == "copyMessage"


async def closed_by_counsellor(person: FakeUser, topic: int) -> Sent:
    """/close in the topic: the person is told, then asked "Did this help?"; returns the question."""
    await FakeUser(person.telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "/close")
    await person.reply()  # the counsellor has ended the conversation
    return await person.reply()


async def written(bot: RunningBot, clock: ManualClock) -> None:
    """The next hour begins and the rows waiting are written together, as on a live bot. Rows of
    fewer than 3 people left from an earlier batch wait a day (BatchRule.longest) instead."""
    clock.advance(hours=1)
    hour = clock.now().replace(minute=0, second=0, microsecond=0)
    await eventually(lambda: bot.app.unlinked.considered >= hour, what="the hour's batch")
    if bot.app.unlinked.waiting:
        clock.advance(days=1)
    await eventually(lambda: bot.app.unlinked.waiting == 0, what="the batch of unlinked rows")


async def staff_asks(telegram: FakeTelegram, command: str, staff_id: int = VIEWER_ID) -> str:
    """A staff member's command, and the answer's text as their phone shows it."""
    staff = telegram.user(user_id=staff_id, language_code="en")
    await staff.send(command)
    return html.unescape(re.sub(r"<[^>]+>", "", (await staff.reply()).text))  # as the phone shows it


async def metrics(settings: Settings) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{settings.metrics_port}/metrics") as response,
    ):
        return await response.text()


async def test_stats_and_metrics_count_cases_by_week_and_link_them_to_no_one(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock, settings: Settings
) -> None:
    first_week = [await person_in_a_case(desk_bot, telegram, 731_294_500 + n, "ru") for n in range(len(WAITS))]
    waited = 0
    for (person, topic), wait in zip(first_week, WAITS, strict=True):
        clock.advance(hours=wait - waited)
        waited = wait
        await answered(person, topic)
    for n, (person, topic) in enumerate(first_week):
        question = await closed_by_counsellor(person, topic)
        await person.press(question, label(desk_bot, "👍 Yes" if n < 5 else "🤏 Partly", "ru"))
        await person.reply()
    clock.set(datetime(2027, 3, 1, 5, 0, tzinfo=UTC))  # the next Monday
    second_week = [await person_in_a_case(desk_bot, telegram, 731_294_600 + n, "ru") for n in range(5)]
    await written(desk_bot, clock)

    stats = await staff_asks(telegram, "/stats 30d")
    assert "• 01.03.2027: 5 → <5" in stats  # opened → closed, a small cell suppressed
    assert "• 22.02.2027: 6 → 6" in stats
    assert "Time to a first answer (6 cases, to the hour): median 2 h, 90% within 8 h" in stats
    assert "Waiting for a first answer now: 5 · blocked: <5" in stats
    assert "Did this help? yes 5, partly <5, no <5" in stats

    scraped = await metrics(settings)
    for sample, value in [
        ('safar_desk_cases{event="opened"}', "11.0"),
        ('safar_desk_cases{event="answered"}', "6.0"),
        ('safar_desk_cases{event="closed"}', "6.0"),
        ('safar_desk_cases{event="blocked"}', "0.0"),  # none, and under 5 reads 0 anyway
        ("safar_desk_cases_waiting", "5.0"),
        ('safar_desk_first_answer_hours{quantile="0.5"}', "2.0"),
        ('safar_desk_first_answer_hours{quantile="0.9"}', "8.0"),
        ('safar_desk_helped{answer="yes"}', "5.0"),
        ('safar_desk_helped{answer="partly"}', "0.0"),  # one answer: suppressed
    ]:
        assert f"\n{sample} {value}\n" in scraped, sample

    for person, topic in second_week:
        await closed_by_counsellor(person, topic)
    await written(desk_bot, clock)
    clock.advance(days=settings.case_retention_days + 1)  # past grace and retention: the cases' rows go
    await telegram.until(lambda: all(telegram.topics[topic]["deleted"] for _, topic in first_week + second_week))
    for table in ("counsellor_cases", "counsellor_topics"):
        await eventually(
            lambda table=table: _empty(desk_bot, table), what=f"{table} emptied by the desk's housekeeping"
        )
    stats = await staff_asks(telegram, "/stats all")
    assert "• 01.03.2027: 5 → 5" in stats and "• 22.02.2027: 6 → 6" in stats  # the figures outlive the cases

    user_keys = [str(row[0]) for row in await desk_bot.app.database.fetchall("SELECT user_key FROM user_settings")]
    figures = await desk_bot.app.database.fetchall("SELECT * FROM desk_figures")
    audit = await desk_bot.app.database.fetchall("SELECT at, action, detail FROM staff_audit WHERE action LIKE 'case%'")
    assert len(figures) == 11 + 6 + 11 + 6 and len(audit) == 11 + 6 + 11
    assert all(int(row[0]) % 3600 == 0 for row in audit)  # to the hour
    assert all(int(row[2]) % 3600 == 0 for row in figures)
    columns = await desk_bot.app.database.fetchall("SELECT name FROM pragma_table_info('desk_figures')")
    assert {str(row[0]) for row in columns} == {"id", "event", "hour", "wait_hours", "answer"}  # no case, no person
    written_rows = repr(figures) + repr(audit)
    assert not any(key in written_rows for key in user_keys) and "#" not in written_rows
    await desk_bot.stop()
    disk = b"".join(path.read_bytes() for path in settings.db_path.parent.iterdir() if path.name.startswith("safar"))
    for person, _ in first_week + second_week:
        for name, encoded in encodings_of(person.id).items():
            assert encoded not in disk, name


async def _empty(bot: RunningBot, table: str) -> bool:
    return await bot.app.database.fetchall(f"SELECT * FROM {table}") == []


async def test_did_this_help_is_asked_once_and_counted_once(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock, settings: Settings
) -> None:
    person = telegram.user(user_id=6200, language_code="tg")
    await start_in(person, LANGUAGE_LABELS["tg"])
    acknowledgement, topic = await open_case(desk_bot, person, "tg")
    case = case_number(acknowledgement)
    await person.press(acknowledgement, label(desk_bot, "End conversation", "tg"))
    await person.reply()  # the conversation has ended
    question = await person.reply()
    assert question.labels() == [label(desk_bot, text, "tg") for text in ("👍 Yes", "🤏 Partly", "👎 No")]
    assert question.text.startswith("Оё ин гуфтугӯ ба шумо кӯмак кард?")

    await person.press(question, label(desk_bot, "👍 Yes", "tg"))
    thanked = await person.reply()
    assert thanked.text == label(desk_bot, "Thank you. Your answer is counted.", "tg") and not thanked.labels()
    once_more = DeskHelped(case=case, answer="no").pack()
    another_case = DeskHelped(case=case + 1, answer="yes").pack()
    for data in (once_more, another_case):  # a second tap (an old copy of the message), a forged case
        await person.press_data(question, data)
        shown = telegram.messages[(question.chat_id, question.message_id)]
        assert shown.text == label(
            desk_bot, "Thank you: this question has been answered already, or it has closed.", "tg"
        )
    await person.reply()  # that edit, once: the second left the message as it was
    forged = await person.press_data(question, "dh:1:maybe")  # not an answer Safar offers
    assert forged["text"] == label(desk_bot, "This menu has changed. Here is the current one.", "tg")
    await person.reply()  # and the current menu

    second, topic = await person_in_a_case(desk_bot, telegram, 6201, "ru")
    late = await closed_by_counsellor(second, topic)  # the counsellor ended it: asked in the person's language
    assert late.labels()[0] == label(desk_bot, "👍 Yes", "ru")
    clock.advance(hours=settings.case_grace_hours + 1)  # past the grace period: the question has closed
    await eventually(lambda: _empty(desk_bot, "counsellor_cases"), what="the grace period's end")
    await second.press(late, label(desk_bot, "👎 No", "ru"))
    assert "уже ответили" in (await second.reply()).text

    await written(desk_bot, clock)
    helped = await desk_bot.app.database.fetchall("SELECT answer FROM desk_figures WHERE event = 'helped'")
    assert [str(row[0]) for row in helped] == ["yes"]


@pytest.mark.both_backends
async def test_the_audit_lists_the_desks_entries_without_content(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock
) -> None:
    clock.advance(minutes=37)
    person = telegram.user(user_id=6300, language_code="ru")
    await start_in(person, LANGUAGE_LABELS["ru"])
    acknowledgement, topic = await open_case(desk_bot, person, "ru")
    await person.send("Работодатель забрал мой паспорт")
    await person.reply()  # the hotlines at once, for a taken passport
    await answered(person, topic)
    await desk_bot.settled(telegram)  # "Show" has finished: the next answer gets its own notice
    await answered(person, topic)  # only the first answer is an entry
    await person.press(acknowledgement, label(desk_bot, "End conversation", "ru"))
    second, topic = await person_in_a_case(desk_bot, telegram, 6301, "ru")
    await closed_by_counsellor(second, topic)
    assert "case" not in await staff_asks(telegram, "/audit", STAFF_ID)  # not before the batch is written
    third, _ = await person_in_a_case(desk_bot, telegram, 6302, "ru")
    await third.send("/forget")  # erasing their data ends the case too
    await third.press(await third.reply(), label(desk_bot, "Yes, erase", "ru"))
    await third.reply()
    abuser, topic = await person_in_a_case(desk_bot, telegram, 6303, "ru")
    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "/block")
    await abuser.reply()  # told the counsellors ended the conversation
    await written(desk_bot, clock)

    shown = await staff_asks(telegram, "/audit", STAFF_ID)
    entries = [line for line in shown.splitlines() if "case_" in line]
    assert sorted(line.split(" · ", 1)[1] for line in entries) == sorted(
        [
            "no staff · case_opened",
            "no staff · case_opened",
            "no staff · case_opened",
            "no staff · case_opened",
            f"staff {COUNSELLOR_ID} · case_blocked",
            f"staff {COUNSELLOR_ID} · case_closed",
            f"staff {COUNSELLOR_ID} · case_first_answer",
            "no staff · case_closed · by the person",
            "no staff · case_closed · by the person",
            f"staff {COUNSELLOR_ID} · case_closed",
        ]
    )
    assert all(line.startswith("2027-02-22 05:00 ·") for line in entries)  # the hour, not the minute
    assert "паспорт" not in shown and "#" not in shown and "We can help" not in shown


async def test_a_counsellor_alone_gets_no_stats(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    answer = await staff_asks(telegram, "/stats", COUNSELLOR_ID)
    assert answer == await staff_asks(telegram, "/stats", 731_294_700)  # what anyone else is answered
    assert "Counsellors' desk" not in answer and "statistics" not in answer
    assert "Counsellors' desk" in await staff_asks(telegram, "/stats", VIEWER_ID)


async def test_a_case_waiting_too_long_is_told_once_in_the_general_topic(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock, settings: Settings
) -> None:
    numbers = []
    for user_id in (6400, 6401):
        person = telegram.user(user_id=user_id, language_code="ru")
        await start_in(person, LANGUAGE_LABELS["ru"])
        acknowledgement, topic = await open_case(desk_bot, person, "ru")
        numbers.append(case_number(acknowledgement))
    await answered(person, topic)  # the second case is answered in time
    clock.advance(hours=settings.counsellors_answer_hours + 1)

    def general_notices() -> list[str]:
        return [p["text"] for m, p in telegram.calls if m == "sendMessage" and str(p["chat_id"]) == str(GROUP)
                and "message_thread_id" not in p]  # fmt: skip

    await eventually(lambda: bool(general_notices()), what="the notice in the general topic")
    assert desk_bot.app.desk is not None  # the group reads COUNSELLORS_LANGUAGE
    notice = desk_bot.app.desk.gettext("Waiting longer than {hours} h without an answer: {numbers}")
    assert general_notices() == [notice.format(hours=24, numbers=f"#{numbers[0]}")]  # not the answered case
    clock.advance(hours=1)
    await desk_bot.app.desk.housekeeping()
    assert len(general_notices()) == 1  # told once, not at every round


async def test_a_block_is_counted_and_audited_like_the_other_figures(tmp_path: Path) -> None:
    """What a counsellor's block records (the command itself is the relay's): a count in /stats, an
    entry with the counsellor's id, to the hour, written with other people's rows only."""
    database = await open_database(tmp_path / "safar.sqlite3")
    try:
        clock = ManualClock(MONDAY_MORNING.replace(minute=20))
        writes = UnlinkedWrites(database, clock)
        audit = StaffAuditStore(database)
        cases = CounsellorCaseStore(database, ChatCipher(bytes(range(32))))
        figures = DeskFigures(DeskFigureStore(database), cases, audit, writes, clock)
        for person in ("one", "two", "three", "four", "five"):
            figures.blocked(person, COUNSELLOR_ID)
        assert await audit.recent(10) == []  # held until the hour
        clock.advance(hours=1)
        assert await writes.write_if_due() == 10
        summary = await figures.summary(Period(MONDAY_MORNING.date(), MONDAY_MORNING.date()))
        assert summary.blocked == 5 and summary.weeks[0].opened == 0
        entries = await audit.recent(10)
        assert {(entry.at, entry.staff_id, entry.action) for entry in entries} == {
            (MONDAY_MORNING, COUNSELLOR_ID, "case_blocked")
        }
    finally:
        await database.close()
