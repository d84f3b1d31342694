"""Units of work on the shared connection: a roll-up of the statistics never takes anyone's
write with it, a busy database leaves nothing open, and `kill -9` in the middle of a roll-up
loses no acknowledged write and counts no hour twice."""

import asyncio
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.services.stats import RAW_EVENT_HOURS
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.events import EventStore, hour_of
from tests.support.bot_process import bot_settings
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, open_topic, start_in
from tests.support.processes import running
from tests.support.running import RunningBot
from tests.support.waiting import eventually

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
SEEDED = "seeded_for_roll_up"
"""An event name only these tests record, so the bot's own events do not blur the counts."""


def on_disk(db_path: Path, query: str) -> list[tuple[object, ...]]:
    """What another process would read: only committed rows."""
    with sqlite3.connect(db_path) as connection:
        return connection.execute(query).fetchall()


def past_hours(now: datetime, hours: int) -> list[str]:
    """`hours` whole hours before the roll-up's lag (it leaves the last two raw)."""
    return [hour_of(now - timedelta(hours=2 + n)) for n in range(hours)]


def seeded_events(hours: list[str], per_hour: int) -> list[tuple[str, str, str, str]]:
    return [(hour, f"{n + 1:032x}", SEEDED, "x") for hour in hours for n in range(per_hour)]


def seeded_total(db_path: Path) -> tuple[int, int]:
    """(counted in the roll-ups, not rolled up yet) for the seeded events."""
    counted = on_disk(db_path, f"SELECT COALESCE(SUM(events), 0) FROM daily_counts WHERE name = '{SEEDED}'")
    raw = on_disk(
        db_path,
        f"SELECT COUNT(*) FROM events WHERE name = '{SEEDED}' "
        "AND hour >= (SELECT rolled_until FROM rollup_state WHERE id = 1)",
    )
    return int(str(counted[0][0])), int(str(raw[0][0]))


async def seed(db_path: Path, hours: list[str], per_hour: int) -> None:
    """Events of past hours, written before the bot starts (as a previous run would have)."""
    database = await open_database(db_path)
    await EventStore(database).insert(seeded_events(hours, per_hour))
    await database.close()


async def started_before(settings: Settings, moment: datetime) -> RunningBot:
    """The bot started at `moment` (its start-up roll-up leaves later hours alone), and then
    time moved on to NOW. The seeded history was made with a key the bot is given."""
    settings.pseudonym_key = SecretStr(secrets.token_hex(32))
    clock = ManualClock(moment)
    running_bot = RunningBot(settings, clock)
    await running_bot.start()
    startup_watermark = hour_of(moment - timedelta(hours=RAW_EVENT_HOURS - 1))
    await eventually(  # the start-up roll-up has read the clock and moved the watermark
        lambda: on_disk(settings.db_path, "SELECT rolled_until FROM rollup_state") == [(startup_watermark,)],
        what="the start-up roll-up",
    )
    clock.set(NOW)
    return running_bot


async def test_a_roll_up_racing_reminders_language_changes_and_taps_loses_nothing(
    telegram: FakeTelegram, settings: Settings
) -> None:
    hours = past_hours(NOW, 24 * 8)
    await seed(settings.db_path, hours, 5)
    clocked = await started_before(settings, NOW - timedelta(days=9))
    app = clocked.app
    users = [telegram.user(user_id=7100 + n, language_code="en") for n in range(8)]

    async def user_journey(n: int) -> None:
        user = users[n]
        menu = await start_in(user, list(LANGUAGE_LABELS.values())[n % 4])
        await user.send("/language")
        await user.press(await user.reply(), "English")
        await user.reply()
        await user.send("/menu")
        menu = await user.reply()
        await open_topic(user, menu, "Red flags")
        await user.reply()

    async def reminder_ticks() -> None:
        for _ in range(50):
            await app.reminders.run_once()
            await asyncio.sleep(0)  # one turn of the loop, no wait: the taps and the roll-up go on between ticks

    rolling = asyncio.create_task(app.statistics.maintain())
    await asyncio.gather(rolling, reminder_ticks(), *(user_journey(n) for n in range(len(users))))

    assert seeded_total(settings.db_path)[0] == len(hours) * 5, "every hour rolled up, once"
    assert on_disk(settings.db_path, "SELECT rolled_until FROM rollup_state") == [(hour_of(NOW - timedelta(hours=1)),)]
    languages = on_disk(settings.db_path, "SELECT language FROM user_settings ORDER BY language")
    assert [row[0] for row in languages] == ["en"] * len(users), "every language change is committed"
    assert len(on_disk(settings.db_path, "SELECT * FROM fsm_state WHERE state IS NOT NULL OR data != '{}'")) >= 8
    await clocked.stop()


async def test_a_busy_database_during_a_roll_up_leaves_no_transaction_open(
    telegram: FakeTelegram, settings: Settings
) -> None:
    hours = past_hours(NOW, 6)
    await seed(settings.db_path, hours, 3)
    settings.reminder_check_seconds = 3600  # no reminder tick happens to commit what was left open
    clocked = await started_before(settings, NOW - timedelta(days=1))
    app = clocked.app
    user = telegram.user(user_id=7201, language_code="en")
    menu = await start_in(user, "English")
    await app.database.execute("PRAGMA busy_timeout=200")
    holder = sqlite3.connect(settings.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds SQLite's write lock
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await app.statistics.maintain()
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    await open_topic(user, menu, "Red flags")
    await user.reply()  # acknowledged: the lesson came back
    saved = "SELECT COUNT(*) FROM fsm_state WHERE data LIKE '%red_flags%'"
    assert on_disk(settings.db_path, saved) == [(1,)], "the user's place is committed at once"
    await app.statistics.maintain()
    assert seeded_total(settings.db_path)[0] == len(hours) * 3, "the next roll-up succeeds"
    await clocked.stop()
    assert on_disk(settings.db_path, saved) == [(1,)], "the user's place is on disk"


async def test_kill_9_in_the_middle_of_a_roll_up_counts_every_hour_once(tmp_path: Path, telegram: FakeTelegram) -> None:
    db_path = tmp_path / "data" / "safar.sqlite3"
    now = datetime.now(UTC)
    hours = past_hours(now, 24 * 120)
    await seed(db_path, hours, 2)
    seeded = len(hours) * 2

    settings = bot_settings(telegram)
    users = [telegram.user(user_id=7300 + n, language_code="ru") for n in range(6)]
    acknowledged: list[int] = []
    async with running(tmp_path, **settings) as process:

        async def choose_languages() -> None:
            for user in users:
                await start_in(user, "Русский")
                acknowledged.append(user.id)

        choosing = asyncio.create_task(choose_languages())

        def half_rolled_up() -> bool:
            watermark = str(on_disk(db_path, "SELECT rolled_until FROM rollup_state")[0][0])
            return hours[-1] < watermark <= hours[len(hours) // 2]

        await eventually(half_rolled_up, 60, every=0.005, what="the roll-up half-way")
        process.kill()  # SIGKILL in the middle of the roll-up
        await process.wait()
        choosing.cancel()
        await asyncio.gather(choosing, return_exceptions=True)
    # A tap the killed process had taken comes again after the restart, since polling confirms only handled
    # updates: answered then if it was not before the kill, or answered again if it was (Telegram says "query
    # is too old", which the bot logs as a warning): at least once, as in test_cluster.
    taken_before_the_kill = set(telegram.open_queries)
    for query, answered in list(telegram.open_queries.items()):
        if not answered.is_set():
            del telegram.open_queries[query]  # the restarted process may not get to it before this test ends

    assert on_disk(db_path, "PRAGMA integrity_check") == [("ok",)]
    counted, raw = seeded_total(db_path)
    assert 0 < counted < seeded and counted + raw == seeded, "each hour is either counted or still raw, never both"
    assert len(on_disk(db_path, "SELECT * FROM user_settings")) >= len(acknowledged), "acknowledged writes are on disk"

    def past_every_seeded_hour() -> bool:  # counts and watermark move together: no later roll-up counts them
        return str(on_disk(db_path, "SELECT rolled_until FROM rollup_state")[0][0]) > hours[0]

    async with running(tmp_path, **settings):
        await eventually(past_every_seeded_hour, 60, what="the next roll-up finishing the work")
    assert seeded_total(db_path)[0] == seeded, "every hour counted once"
    telegram.protocol_errors[:] = [
        error
        for error in telegram.protocol_errors
        if not any(error == f"callback query {query} answered twice or never issued" for query in taken_before_the_kill)
    ]
