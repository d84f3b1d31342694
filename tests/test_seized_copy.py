"""A seized server: someone copies the data directory, the key files and the log after a person
used Safar at LOG_LEVEL=DEBUG. Nothing in the copy holds their chat id, what they typed into a
report they abandoned, or any value that links the reports to an account, and the order in which
rows were written does not tie a report to its sender either."""

import shutil
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings
from bot.privacy.pseudonyms import Pseudonymizer
from bot.storage.backends.sqlite import Database, open_database
from bot.storage.erasure import PERSONAL_TABLES
from bot.storage.schema import tables as schema
from tests.support.clock import ManualClock
from tests.support.fake_telegram import TOKEN, FakeTelegram, FakeUser
from tests.support.journeys import open_topic, start_in
from tests.support.postgres_server import BACKENDS, private_postgres_server
from tests.support.privacy import encodings_of
from tests.support.processes import running, stop
from tests.support.reminding import arrived_today
from tests.support.running import RunningBot
from tests.support.write_order import Commit, columns, postgres_commits, sqlite_commits

CHAT = 987654321
ABANDONED_NAME = "Zarina Recruiting Abroad"
FILED_NAME = "Barakat Travel"
PER_ACCOUNT_TABLES = ("user_settings", "fsm_state", "reminder_chats", "reminders", "events", "broadcast_recipients")
REPORT_TABLES = ("offer_reports",)


async def values(database: Database, tables: tuple[str, ...]) -> set[object]:
    found: set[object] = set()
    for table in tables:
        for row in await database.fetchall(f"SELECT * FROM {table}"):
            found.update(value for value in row if value not in (None, "", 0, 1, b"", "{}"))
    return found


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_copy_of_the_disk_after_a_journey_at_debug_gives_nobody_away(
    tmp_path: Path, telegram: FakeTelegram, backend: str
) -> None:
    keys = tmp_path / "keys"
    settings = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "LOG_LEVEL": "DEBUG",
                "KEY_DIR": str(keys), "FLOOD_UPDATES_PER_SECOND": "1000"}  # fmt: skip
    with ExitStack() as stack:
        if backend == "postgresql":  # a server of its own: every file it writes is looked at
            server = stack.enter_context(private_postgres_server())
            server.psql("CREATE DATABASE safar;")
            settings["DATABASE_URL"] = server.url("safar")
        await walk_and_seize(tmp_path, telegram, settings)
        if backend == "postgresql":
            # The cluster's files (tables, WAL, its log); its socket is no file to copy.
            copied = shutil.ignore_patterns(".s.PGSQL.*")
            shutil.copytree(server.folder, tmp_path / "seized" / "data", ignore=copied, dirs_exist_ok=True)
        await check_seized(tmp_path / "seized", backend, settings.get("DATABASE_URL"))


async def walk_and_seize(tmp_path: Path, telegram: FakeTelegram, settings: dict[str, str]) -> None:
    """Language, a lesson and its check, a reminder, a filed report and an abandoned one; then the
    data directory, the keys and the log are copied."""
    data, keys = tmp_path / "data", tmp_path / "keys"
    user = telegram.user(user_id=CHAT, language_code="en")
    async with running(tmp_path, **settings) as process:
        await user.send("/start")
        picker = await user.reply(within=60)  # a slow machine takes a while to import everything
        await user.press(picker, "English")
        menu = await user.reply()
        await open_topic(user, menu, "Red flags")
        await user.press(await user.reply(), "Start")
        await user.press(await user.reply(), "Yes")
        await user.reply()

        await user.send("/reminders")
        await user.press(await user.reply(), "I have arrived")
        await user.press(await user.reply(), "Russia")
        await arrived_today(user)
        await user.reply()

        await user.send("/report")
        await user.press(await user.reply(), "They keep my passport")
        await user.press(await user.reply(), "Russia")
        await user.reply()
        await user.send(FILED_NAME)
        await user.send("They took it at the airport")
        await user.reply()
        assert (await user.reply()).text.startswith("Thank you")

        await user.send("/report")
        await user.press(await user.reply(), "They keep my passport")
        await user.press(await user.reply(), "Russia")
        await user.reply()
        await user.send(ABANDONED_NAME)
        await user.reply()
        await user.send("/menu")  # and walks away from the report
        await user.reply()
        code, log = await stop(process)
    assert code == 0, log
    assert "aiogram.event" in log, "the log was written (updates are logged by number)"

    seized = tmp_path / "seized"
    if data.exists():
        shutil.copytree(data, seized / "data")
    shutil.copytree(keys, seized / "keys")
    (seized / "safar.log").write_text(log, encoding="utf-8")


async def check_seized(seized: Path, backend: str, database_url: str | None) -> None:
    files = [path for path in seized.rglob("*") if path.is_file()]
    database_file = "safar.sqlite3" if backend == "sqlite" else "PG_VERSION"
    assert {path.name for path in files} >= {database_file, "pseudonym.key", "delivery.key", "safar.log"}
    for path in files:
        content = path.read_bytes()
        for name, encoded in encodings_of(CHAT).items():
            assert encoded not in content, f"{path.name} holds the chat id as {name}"
        assert ABANDONED_NAME.encode() not in content, f"{path.name} holds the abandoned report's name"
        assert ABANDONED_NAME.encode("utf-16-le") not in content, path.name

    database = await open_database(database_url or seized / "data" / "safar.sqlite3")
    try:
        shared = await values(database, REPORT_TABLES) & await values(database, PER_ACCOUNT_TABLES)
        assert await database.fetchall("SELECT COUNT(*) FROM offer_reports") == [(1,)]
        assert await database.fetchall("SELECT COUNT(*) FROM reminder_chats") == [(1,)], "the reminder is kept"
    finally:
        await database.close()
    assert shared == set(), "a value links the reports to an account"


async def read_a_lesson(user: FakeUser, bot: RunningBot) -> None:
    """Language, then a lesson: the rows an account has (settings, place, events), all written."""
    menu = await start_in(user, "English")
    await open_topic(user, menu, "Red flags")
    await user.reply()
    await bot.app.recorder.flush()


async def send_report(user: FakeUser, agency: str) -> None:
    await user.send("/report")
    await user.press(await user.reply(), "They keep my passport")
    await user.press(await user.reply(), "Russia")
    await user.reply()
    await user.send(agency)
    await user.press(await user.reply(), "Send without details")
    assert (await user.reply()).text.startswith("Thank you. So that nobody can tell")


def neighbours(commits: list[Commit], index: int) -> tuple[set[str], set[str]]:
    """The accounts of the nearest writes before and after commits[index] that hold account rows:
    whom an attacker reading the order of writes would take for the writer of what it holds."""
    keyed = [commit.accounts(PERSONAL_TABLES) for commit in commits]
    before = next((accounts for accounts in reversed(keyed[:index]) if accounts), set())
    after = next((accounts for accounts in keyed[index + 1 :] if accounts), set())
    return before, after


@pytest.mark.both_backends
async def test_the_order_of_writes_on_disk_ties_no_report_to_its_sender(
    telegram: FakeTelegram, settings: Settings
) -> None:
    """PostgreSQL's `xmin` of each row, SQLite's write-ahead log frame by frame: a report written
    when it was sent would sit right after its sender's own writes. It is written on the hour,
    with the others' rows, after whoever acted in between."""
    clock = ManualClock(datetime(2027, 3, 10, 9, 5, tzinfo=UTC))
    bot = RunningBot(settings, clock)
    await bot.start()
    reporter, other, newcomer = (telegram.user(user_id, "en") for user_id in (9101, 9102, 9103))
    try:
        await read_a_lesson(reporter, bot)
        await send_report(reporter, FILED_NAME)
        await read_a_lesson(other, bot)
        await send_report(other, "Zamin Jobs")
        await newcomer.send("/start contract-check__bus-station")  # a poster's link: a campaign count
        await newcomer.press(await newcomer.reply(), "English")
        await newcomer.reply()
        await bot.app.recorder.flush()
        clock.set(datetime(2027, 3, 10, 10, 0, 1, tzinfo=UTC))  # the next write time
        for sender in (reporter, other):
            assert (await sender.reply()).text.startswith("✅ Thank you."), "told once it is stored"
        tables = list(schema.metadata.tables)
        if settings.database_url is None:  # the log is folded into the database at a clean stop
            commits = sqlite_commits(settings.db_path, tables)
        else:
            commits = await postgres_commits(settings, tables)
    finally:
        await bot.stop()
    assert settings.key_dir is not None
    pseudonyms = Pseudonymizer((settings.key_dir / "pseudonym.key").read_bytes().strip())
    keys = {user.id: pseudonyms.user_key(user.id) for user in (reporter, other, newcomer)}
    typed = columns("offer_reports").index("agency_typed")
    written = [n for n, commit in enumerate(commits) if any(row[typed] == FILED_NAME for row in
                                                               commit.rows.get("offer_reports", ()))]  # fmt: skip
    assert len(written) == 1
    assert any(keys[reporter.id] in commit.accounts(PERSONAL_TABLES) for commit in commits[: written[0]]), (
        "the reporter's own writes are in the copy before the report"
    )
    before, after = neighbours(commits, written[0])
    assert keys[reporter.id] not in before | after, "the report's write sits next to its sender's"
    assert keys[other.id] not in before | after
    assert before == {keys[newcomer.id]}, "the write follows whoever acted last before the hour"
    batch = commits[written[0]]
    assert {row[typed] for row in batch.rows["offer_reports"]} == {FILED_NAME, "Zamin Jobs"}, "one write, both"
    assert batch.rows.get("campaign_weeks"), "with the campaign count"
    assert batch.accounts(PERSONAL_TABLES) == set(), "and nothing kept per account"
