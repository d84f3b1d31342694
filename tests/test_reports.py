"""Reporting a suspicious offer, and staff reading the reports.

A report is written together with other people's rows, on the hour (bot/services/unlinked_writes.py):
its sender is told so at once, and the message turns into a ✅ once it is stored."""

import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from tests.support.clock import ManualClock
from tests.support.fake_telegram import TOKEN, FakeTelegram, FakeUser, Sent
from tests.support.journeys import start_in
from tests.support.processes import running, stop
from tests.support.reporting import report
from tests.support.running import STAFF_ID, RunningBot
from tests.support.waiting import eventually

ADMIN = STAFF_ID
WAITING = "Thank you. So that nobody can tell this report came from you, Safar stores it together with other"
STORED = "✅ Thank you. Your report was sent to staff without your name or account."
NINE = datetime(2027, 3, 10, 9, 5, tzinfo=UTC)


def stored(settings: Settings) -> list[tuple[object, ...]]:
    with sqlite3.connect(settings.db_path) as connection:
        return connection.execute("SELECT * FROM offer_reports ORDER BY id").fetchall()


async def written_now(bot: RunningBot) -> None:
    """What waits is written at once, as at a clean stop (and the senders are told)."""
    await bot.app.unlinked.flush()


async def confirmed(user: FakeUser, waiting: Sent | None = None) -> Sent:
    """The ✅ the "waiting" message turns into once the report is stored."""
    edited = await user.reply()
    assert edited.method == "editMessageText" and edited.text.startswith(STORED), edited.text
    assert waiting is None or edited.message_id == waiting.message_id, "the same message, edited"
    return edited


@pytest.fixture
async def clocked_bot(settings: Settings) -> AsyncIterator[tuple[RunningBot, ManualClock]]:
    """The bot with staff, on a clock the test moves (the real scheduler checks it every 2 s)."""
    settings.admin_ids = frozenset({STAFF_ID})
    clock = ManualClock(NINE)
    running_bot = RunningBot(settings, clock)
    await running_bot.start()
    yield running_bot, clock
    await running_bot.stop()


async def considered(bot: RunningBot, clock: ManualClock) -> None:
    """Wait until the batch job has looked at the write time the clock is now past."""
    await eventually(lambda: bot.app.unlinked.considered >= clock.now().replace(minute=0, second=0), within=15)


async def test_a_report_is_stored_without_anything_that_identifies_the_sender(
    telegram: FakeTelegram, staffed_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(user_id=123456789, language_code="en")
    await start_in(user, "English")
    thanks = await report(
        user, "They keep my passport", "Russia", "ООО «Сафар-Плюс»", "They took it on arrival in Kazan"
    )
    assert thanks.startswith(WAITING)
    assert stored(settings) == [], "not yet: it waits for other people's rows"
    await written_now(staffed_bot)
    await confirmed(user)
    rows = stored(settings)
    assert len(rows) == 1
    _, day, problem, country, typed, key, details, reviewed = rows[0]
    assert (problem, country, typed, key, details, reviewed) == (
        "passport",
        "RU",
        "ООО «Сафар-Плюс»",
        "safar plyus",
        "They took it on arrival in Kazan",
        0,
    )
    assert len(str(day)) == 10, "kept to the day: an hour could be matched with the hours someone was active"
    with sqlite3.connect(settings.db_path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(offer_reports)")]
        user_key = connection.execute("SELECT user_key FROM user_settings").fetchone()[0]
    assert not any(word in " ".join(columns) for word in ("user", "chat"))
    assert not any(str(value) in ("123456789", user_key) for value in rows[0])


async def test_a_report_is_written_on_the_hour_with_other_peoples_and_only_then_shows_its_tick(
    telegram: FakeTelegram, clocked_bot: tuple[RunningBot, ManualClock], settings: Settings
) -> None:
    bot, clock = clocked_bot
    first, second, third = (telegram.user(700 + n, "en") for n in range(3))
    for person in (first, second, third):
        await start_in(person, "English")
    await first.send("/report")
    await first.press(await first.reply(), "Wages not paid")
    await first.press(await first.reply(), "Russia")
    await first.reply()
    await first.send("Barakat")
    await first.press(await first.reply(), "Send without details")
    waiting = await first.reply()
    assert waiting.text.startswith(WAITING)
    assert "If there is no ✅ after a day, please send the report again." in waiting.text

    clock.set(datetime(2027, 3, 10, 10, 0, 30, tzinfo=UTC))
    await considered(bot, clock)
    assert stored(settings) == [] and first.nothing_sent(), "one person's report alone waits past 10:00"

    assert (await report(second, "No written contract", "Kazakhstan", "Zamin", None)).startswith(WAITING)
    await third.send("/start sos__bus-station")  # a campaign count: a third person's row in the batch
    await third.reply()
    clock.set(datetime(2027, 3, 10, 11, 0, 1, tzinfo=UTC))
    await confirmed(first, waiting)
    await confirmed(second)
    assert sorted(row[4] for row in stored(settings)) == ["Barakat", "Zamin"]
    with sqlite3.connect(settings.db_path) as connection:
        assert connection.execute("SELECT campaign, opens FROM campaign_weeks").fetchall() == [("bus-station", 1)]

    lone = await report(first, "Something else", "Another country", "Lone agency", None)
    assert lone.startswith(WAITING)
    clock.set(datetime(2027, 3, 11, 10, 0, 5, tzinfo=UTC))
    await considered(bot, clock)
    assert len(stored(settings)) == 2 and first.nothing_sent(), "a lone report waits for others up to a day"
    clock.set(datetime(2027, 3, 11, 11, 0, 5, tzinfo=UTC))
    await confirmed(first)
    assert len(stored(settings)) == 3, "the last hour before its day is out"


async def test_a_clean_stop_writes_waiting_reports_and_a_crash_loses_them_without_a_tick(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    user = telegram.user(user_id=4242, language_code="en")
    environment = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "FLOOD_UPDATES_PER_SECOND": "1000"}
    async with running(tmp_path, **environment) as process:
        await user.send("/start")
        await user.press(await user.reply(within=60), "English")
        await user.reply()
        assert (await report(user, "Wages not paid", "Russia", "Kept agency", None)).startswith(WAITING)
        code, log = await stop(process)  # SIGTERM: a clean stop
    assert code == 0, log
    await confirmed(user)
    async with running(tmp_path, **environment) as process:
        await user.send("/menu")
        await user.reply(within=60)
        assert (await report(user, "Wages not paid", "Russia", "Lost agency", None)).startswith(WAITING)
        await telegram.all_confirmed()  # else Telegram hands the last press to the next start, rightly
        process.kill()  # the server dies before the next write time
        await process.wait()
    async with running(tmp_path, **environment) as process:
        await user.send("/menu")
        await user.reply(within=60)
        code, log = await stop(process)
    assert code == 0, log
    assert user.nothing_sent(), "the lost report never shows a ✅: its sender was told to send it again then"
    with sqlite3.connect(tmp_path / "data" / "safar.sqlite3") as connection:
        typed = [row[0] for row in connection.execute("SELECT agency_typed FROM offer_reports")]
    assert typed == ["Kept agency"]


async def test_staff_see_reports_grouped_by_agency_and_mark_them_reviewed(
    telegram: FakeTelegram, staffed_bot: RunningBot
) -> None:
    first, second = telegram.user(1, "ru"), telegram.user(2, "en")
    await start_in(first, "Русский")
    await start_in(second, "English")
    await report(first, "Просят деньги за работу", "Россия", "ооо сафар плюс", None, skip="Отправить без подробностей")
    await written_now(staffed_bot)  # the list names an agency by its latest spelling: a later batch's
    await report(second, "Wages not paid", "Kazakhstan", '"Safar-Plus" LLC', "Two months without pay")
    await report(second, "No written contract", "Russia", "Barakat", None)
    await written_now(staffed_bot)
    staff = telegram.user(ADMIN, "en")
    await start_in(staff, "English")
    await staff.send("/reports")
    listing = await staff.reply()
    assert listing.text.startswith("<b>3 report(s) waiting for review</b>, newest first:")
    assert "<b>&quot;Safar-Plus&quot; LLC</b> — 2 report(s):" in listing.text, "two spellings, one group"
    assert "fees ×1" in listing.text and "unpaid ×1" in listing.text
    assert "“Two months without pay”" in listing.text
    await staff.press(listing, 'Reviewed: "Safar-Plus" LLC')
    after = await staff.reply()
    assert after.text.startswith("<b>1 report(s) waiting for review</b>")
    await staff.press(after, "Reviewed: Barakat")
    assert (await staff.reply()).text == "No reports waiting for review."


async def test_someone_who_is_not_staff_learns_nothing_from_staff_commands(
    telegram: FakeTelegram, staffed_bot: RunningBot
) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    await user.send("/nonsense")
    unknown = (await user.reply()).text
    for command in ("/reports", "/reload", "/reports all"):
        await user.send(command)
        assert (await user.reply()).text == unknown
    answer = await user.press_data(menu, "rv:abc")
    assert answer["text"] == "This menu has changed. Here is the current one."
    assert list(telegram.scoped_commands) == [ADMIN], "only the staff member's chat gets the staff menu"
    assert "reports" in {c["command"] for c in telegram.scoped_commands[ADMIN]}
    assert all("reports" not in {c["command"] for c in commands} for commands in telegram.commands.values())


async def test_a_flood_of_reports_is_stopped_politely(
    telegram: FakeTelegram, staffed_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    for _ in range(3):
        assert (await report(user, "Something else", "Another country", "X agency", None)).startswith("Thank you")
    refused = await report(user, "Something else", "Another country", "X agency", None)
    assert refused.startswith("You have already sent 3 reports today.")
    await written_now(staffed_bot)
    assert len(stored(settings)) == 3


async def test_overlong_details_are_refused_and_can_be_shortened(
    telegram: FakeTelegram, staffed_bot: RunningBot
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await user.send("/report")
    await user.press(await user.reply(), "Угрозы или насилие")
    await user.press(await user.reply(), "Таджикистан")
    await user.reply()
    await user.send("Агентство")
    await user.reply()
    await user.send("а" * 1001)
    assert (await user.reply()).text == "Это слишком длинно: пожалуйста, не больше 1000 символов."
    await user.send("Короче")
    assert (await user.reply()).text.startswith("Спасибо.")


async def test_an_old_report_button_after_leaving_the_report_is_stale(
    telegram: FakeTelegram, staffed_bot: RunningBot
) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.send("/report")
    problems = await user.reply()
    await user.send("/menu")
    await user.reply()
    answer = await user.press(problems, "Wages not paid")
    assert answer["text"] == "This menu has changed. Here is the current one."


async def test_the_report_limit_is_kept_nowhere_on_disk_and_outlives_forget(
    telegram: FakeTelegram, staffed_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    for agency in ("X", "Y", "Z"):
        await report(user, "Something else", "Another country", agency, None)
    await written_now(staffed_bot)
    for _ in range(3):
        await confirmed(user)
    with sqlite3.connect(settings.db_path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "report_quota" not in tables, "counted in memory with the day's salt: no row written as a report is sent"
    await user.send("/forget")
    await user.press(await user.reply(), "Yes, erase")
    await user.reply()
    assert len(stored(settings)) == 3, "the anonymous reports stay for staff"
    await start_in(user, "English")
    await user.send("/report")
    await user.press(await user.reply(), "Something else")
    await user.press(await user.reply(), "Another country")
    await user.reply()
    await user.send("W")
    await user.press(await user.reply(), "Send without details")
    assert "3" in (await user.reply()).text, "/forget does not reset the day's limit"
    await written_now(staffed_bot)
    assert len(stored(settings)) == 3


async def test_an_emoji_heavy_report_list_reaches_staff_in_parts_telegram_accepts(
    telegram: FakeTelegram, staffed_bot: RunningBot
) -> None:
    """Emoji count twice against Telegram's 4096; the list used to be cut by Python characters."""
    agencies = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett"]
    for number in range(4):
        user = telegram.user(user_id=100 + number, language_code="en")
        await start_in(user, "English")
        for agency in agencies[number * 3 : number * 3 + 3]:
            await report(user, "Wages not paid", "Russia", f"{agency} <b>" + "😀" * 30, "🇹🇯" * 150)
    await written_now(staffed_bot)
    staff = telegram.user(ADMIN, "en")
    await start_in(staff, "English")
    await staff.send("/reports")
    first, second = await staff.reply(), await staff.reply()
    assert first.text.startswith("<b>10 report(s) waiting for review</b>")
    assert first.buttons == [] and len(second.buttons) == 10, "the buttons come with the last part"
    both = first.text + second.text
    assert f"<b>Alpha &lt;b&gt;{'😀' * 30}</b>" in both and "<b>Juliett &lt;b&gt;" in both
    await staff.press(second, "Reviewed: Alpha <b>")
    edited, rest = await staff.reply(), await staff.reply()
    assert edited.message_id == second.message_id and edited.text.startswith("<b>9 report(s) waiting")
    assert len(rest.buttons) == 9 and "Alpha" not in edited.text + rest.text


async def test_reports_come_ten_agencies_a_page(telegram: FakeTelegram, staffed_bot: RunningBot) -> None:
    reporters = [telegram.user(800 + n, "en") for n in range(4)]
    agencies = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo",
                "Lima"]  # fmt: skip
    for number, reporter in enumerate(reporters):
        await start_in(reporter, "English")
        for agency in agencies[number * 3 : number * 3 + 3]:
            await report(reporter, "Wages not paid", "Russia", agency, None)
    await written_now(staffed_bot)
    staff = telegram.user(ADMIN, "en")
    await start_in(staff, "English")
    await staff.send("/reports")
    first = await staff.reply()
    assert first.text.startswith("<b>12 report(s) waiting for review</b>, newest first (agencies 1–10 of 12):")
    assert sum(label.startswith("✓ Reviewed") for label in first.labels()) == 10
    assert first.labels()[-1] == "Older ▶️"
    await staff.press(first, "Older ▶️")
    second = await staff.reply()
    assert second.message_id == first.message_id, "the page turns in place"
    assert second.text.startswith("<b>12 report(s) waiting for review</b>, newest first (agencies 11–12 of 12):")
    shown = {label for label in second.labels() if label.startswith("✓ Reviewed")}
    assert len(shown) == 2 and not shown & set(first.labels())
    assert second.labels()[-1] == "◀️ Newer"
    await staff.press(second, next(iter(shown)).removeprefix("✓ "))
    after = await staff.reply()
    assert after.text.startswith("<b>11 report(s) waiting for review</b>, newest first (agencies 11–11 of 11):")


async def test_reviewed_marks_only_the_reports_that_were_shown(telegram: FakeTelegram, staffed_bot: RunningBot) -> None:
    first, later = telegram.user(850, "en"), telegram.user(851, "en")
    await start_in(first, "English")
    await start_in(later, "English")
    await report(first, "Wages not paid", "Russia", "Barakat", None)
    await written_now(staffed_bot)
    staff = telegram.user(ADMIN, "en")
    await start_in(staff, "English")
    await staff.send("/reports")
    listing = await staff.reply()
    assert "<b>Barakat</b> — 1 report(s): unpaid ×1" in listing.text
    await report(later, "They keep my passport", "Russia", "Barakat", None)  # stored after the list was sent
    await written_now(staffed_bot)
    answer = await staff.press(listing, "Reviewed: Barakat")
    assert answer["text"] == "1 report(s) marked reviewed.", "only the one staff were shown"
    after = await staff.reply()
    assert "<b>Barakat</b> — 1 report(s): passport ×1" in after.text, "the newer one is still open"
