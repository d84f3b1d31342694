"""The storage contract: every store behaves the same on SQLite and on PostgreSQL. Each test here
runs once per backend against a real database (a SQLite file in tmp_path; a fresh database on
the pgserver PostgreSQL), through the stores the bot uses."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Inspector, MetaData, create_engine, inspect, types
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import create_async_engine

from bot.privacy.secret_keys import ChatCipher
from bot.services.unlinked_writes import UnlinkedWrites
from bot.storage.backends import postgres, sqlite
from bot.storage.backends.postgres import VERSION, engine_url, open_postgres
from bot.storage.backends.sqlite import Database, DatabaseUnavailable, SQLiteDatabase, open_database
from bot.storage.erasure import PERSONAL_TABLES
from bot.storage.schema import tables as schema
from bot.storage.schema.definition import BASELINE, STEPS
from bot.storage.schema.sqlite_migrations import migrations
from bot.storage.schema.tables import metadata_of
from bot.storage.schema.vocabulary import (
    AddColumn,
    AddIndex,
    AddTable,
    DropTable,
    Index,
    Step,
    Table,
    after,
    blob,
    integer,
    numbered_table,
    text,
)
from bot.storage.stores.broadcasts import BroadcastStore
from bot.storage.stores.campaigns import MAX_CAMPAIGNS_PER_WEEK, OTHER_CAMPAIGN, CampaignStore, CampaignWeek, iso_week
from bot.storage.stores.claims import release_all_claims
from bot.storage.stores.content_reloads import ContentReloadStore, Reload
from bot.storage.stores.events import EventStore, Period
from bot.storage.stores.hotline_answers import HotlineAnswerStore
from bot.storage.stores.key_fingerprints import KeyFingerprints
from bot.storage.stores.reminders import MAX_PENDING_PER_ACCOUNT, ReminderStore
from bot.storage.stores.reports import GROUPS_PER_PAGE, NewReport, ReportStore
from bot.storage.stores.tallies import MemoryTally, day_of, week_of
from bot.storage.stores.user_settings import UserSettingsStore
from tests.support.clock import ManualClock
from tests.support.postgres_server import BACKENDS, PostgresServer
from tests.support.waiting import blocked_on_locks, eventually

NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)
CIPHER = ChatCipher(bytes(range(32)))


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where the database is: a SQLite file, or a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "data" / "safar.sqlite3"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def database(target: Path | str) -> AsyncIterator[Database]:
    opened = await open_database(target)
    await KeyFingerprints(opened).seal_plain_rows(CIPHER.seal)  # as the bot's start does (SQLite's migration 6)
    yield opened
    await opened.close()


# --- one schema -----------------------------------------------------------------------------


def _kind(column_type: types.TypeEngine[Any]) -> str:
    for kind, base in (("integer", types.Integer), ("text", types.String), ("bytes", types.LargeBinary)):
        if isinstance(column_type, base):
            return kind
    return repr(column_type)


def _default(value: object) -> str | None:
    """'0', "'{}'": PostgreSQL writes "'{}'::text", and numbers ids from a sequence (SQLite: the rowid)."""
    written = None if value is None else str(getattr(value, "text", value)).removesuffix("::text")
    return None if written is None or written.startswith("nextval(") else written


def described(inspector: Inspector) -> dict[str, Any]:
    """Tables, columns (kind, NULL allowed, default), primary keys and indexes, as a database has them."""
    tables = {}
    for name in inspector.get_table_names():
        primary = tuple(inspector.get_pk_constraint(name)["constrained_columns"])
        columns = {
            # SQLite does not say NOT NULL for primary key columns, which are never NULL anyway.
            c["name"]: (_kind(c["type"]), c["nullable"] and c["name"] not in primary, _default(c.get("default")))
            for c in inspector.get_columns(name)
        }
        indexes = {i["name"]: tuple(i["column_names"]) for i in inspector.get_indexes(name)}
        tables[name] = (columns, primary, indexes)
    return tables


def declared(metadata: MetaData = schema.metadata) -> dict[str, Any]:
    """The same, from the one definition (bot/storage/schema/definition.py, made into SQLAlchemy tables)."""
    tables = {}
    for name, table in metadata.tables.items():
        primary = tuple(column.name for column in table.primary_key.columns)
        columns = {
            c.name: (
                _kind(c.type),
                bool(c.nullable) and c.name not in primary,
                _default(c.server_default and c.server_default.arg),
            )
            for c in table.columns
        }
        indexes = {str(index.name): tuple(column.name for column in index.columns) for index in table.indexes}
        tables[name] = (columns, primary, indexes)
    return tables


async def found_in(target: Path | str) -> dict[str, Any]:
    """What a database has, described as `declared()` describes the definition."""
    if isinstance(target, Path):
        engine = create_engine(f"sqlite:///{target}")
        with engine.connect() as connection:
            found = described(inspect(connection))
        engine.dispose()
        return found
    async_engine = create_async_engine(engine_url(target))
    async with async_engine.connect() as connection:
        found = await connection.run_sync(lambda sync: described(inspect(sync)))
    await async_engine.dispose()
    assert found.pop("schema_version")[0] == {"version": ("integer", False, None)}
    return found


async def test_both_backends_have_the_schema_that_the_definition_declares(
    database: Database, target: Path | str
) -> None:
    assert await found_in(target) == declared()  # SQLite: what its fourteen hand-written migrations made
    assert await database.fetchall("SELECT id, rolled_until FROM rollup_state") == [(1, "0000-00-00T00")]


LATER_STEPS = (
    AddTable(
        numbered_table(
            "later_cases",
            text("case_key"),
            blob("chat_box"),
            integer("closed_at", nullable=True),
            text("state", default="open"),
            indexes=(Index("later_cases_by_state", ("state", "closed_at")),),
        )
    ),
    AddTable(Table("later_pairs", (text("a"), integer("b"), integer("n", default=0)), ("a", "b"))),
    AddColumn("user_settings", text("later_note", nullable=True)),
    AddColumn("reminder_chats", integer("later_flag", default=0)),
    AddIndex("events", Index("events_by_name", ("name", "detail"))),
    DropTable("screen_flags"),
)
"""Steps of every kind, as the next changes to the schema will be written."""


async def test_steps_added_to_the_definition_bring_both_backends_to_the_same_tables(
    target: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """A database made by this version, and a new one, both take the later steps from the one
    definition, and arrive at the same tables, column by column, on either backend."""
    made_before = await open_database(target)
    await KeyFingerprints(made_before).seal_plain_rows(CIPHER.seal)  # as the bot's start does
    await made_before.execute("INSERT INTO user_settings (user_key, language) VALUES ('kept', 'tg')")
    await made_before.close()
    steps = (*STEPS, *LATER_STEPS)
    monkeypatch.setattr(sqlite, "MIGRATIONS", migrations(steps))
    monkeypatch.setattr(postgres, "STEPS", steps)
    later = declared(metadata_of(after(BASELINE, steps).values()))

    upgraded = await open_database(target)
    try:
        assert await upgraded.fetchall("SELECT user_key, language, later_note FROM user_settings") == [
            ("kept", "tg", None)
        ]
        row = await upgraded.fetchone(
            "INSERT INTO later_cases (case_key, chat_box) VALUES ('c', :box) RETURNING id, state", {"box": b"x"}
        )
        assert row == (1, "open")
    finally:
        await upgraded.close()
    assert await found_in(target) == later

    if isinstance(target, Path):
        new: Path | str = tmp_path / "new" / "safar.sqlite3"
    else:
        new = request.getfixturevalue("postgres_server").empty_database()
    fresh = await open_database(new)
    await KeyFingerprints(fresh).seal_plain_rows(CIPHER.seal)
    await fresh.close()
    assert await found_in(new) == later


# --- units of work --------------------------------------------------------------------------


def waits_its_turn(database: Database) -> bool:
    """A statement waits behind the unit of work on SQLite's one connection (PostgreSQL's reads do not wait)."""
    return isinstance(database, SQLiteDatabase) and bool(database._queued)


async def test_a_failed_unit_of_work_leaves_nothing_and_others_never_see_it_half_done(database: Database) -> None:
    settings = UserSettingsStore(database)
    seen_inside: list[object] = []

    async def look() -> None:
        seen_inside.append(await database.fetchone("SELECT language FROM user_settings WHERE user_key = 'a'"))

    with pytest.raises(RuntimeError):
        async with database.transaction() as tx:
            await settings.set_language("a", "tg")
            assert tx.in_transaction
            # Another task reads meanwhile: it waits (SQLite) or sees the committed state (PostgreSQL).
            other = asyncio.create_task(look())
            await eventually(lambda: other.done() or waits_its_turn(database), what="the other task's read")
            raise RuntimeError("the unit of work fails half-way")
    await other
    assert seen_inside == [None]
    assert await database.fetchone("SELECT language FROM user_settings WHERE user_key = 'a'") is None
    assert not database.in_transaction
    async with database.transaction():
        await settings.set_language("a", "ru")
        async with database.transaction():  # a nested one joins the outer one
            await settings.set_language("b", "uz")
    assert await database.fetchall("SELECT user_key, language FROM user_settings ORDER BY user_key") == [
        ("a", "ru"),
        ("b", "uz"),
    ]


# --- reminders ------------------------------------------------------------------------------


async def test_reminders_are_claimed_fairly_and_an_account_cannot_fill_the_queue(database: Database) -> None:
    store = ReminderStore(database, CIPHER)
    await store.opt_in("busy", 111, "Asia/Dushanbe", "tg")
    await store.opt_in("calm", 222, "Europe/Moscow", "ru", news=True)
    added = [await store.add("busy", "monthly", str(n), NOW - timedelta(minutes=30 - n)) for n in range(25)]
    assert all(isinstance(number, int) for number in added[:MAX_PENDING_PER_ACCOUNT])
    assert added[MAX_PENDING_PER_ACCOUNT:] == [None] * (25 - MAX_PENDING_PER_ACCOUNT)
    assert await store.add("calm", "departure", "passport", NOW) is not None

    batch = await store.claim_due(NOW, limit=10, lease_seconds=600)
    assert sorted((due.reminder.user_key, due.chat.chat_id) for due in batch) == [("busy", 111), ("calm", 222)]
    again = await store.claim_due(NOW, limit=10, lease_seconds=600)
    assert [(due.reminder.user_key, due.reminder.item) for due in again] == [("busy", "1")]

    await store.opt_in("calm", 222, "Europe/Moscow", "ru", news=False)  # asking again never drops news
    chat = await store.chat("calm")
    assert chat is not None and chat.news
    await store.mark_sent(next(due.reminder for due in batch if due.reminder.user_key == "calm"))
    assert await store.chat("calm") is not None, "kept for news"
    await store.stop_news("calm")
    assert await store.chat("calm") is None, "nothing left to send there: the chat id goes"
    assert await store.stop("busy") == MAX_PENDING_PER_ACCOUNT
    assert await database.fetchall("SELECT * FROM reminders") == []


async def test_a_start_takes_back_only_dead_claims_on_a_shared_database(database: Database) -> None:
    store = ReminderStore(database, CIPHER)
    await store.opt_in("a", 1, "UTC", "en")
    await store.add("a", "monthly", "1", NOW - timedelta(hours=1))
    await store.claim_due(NOW - timedelta(minutes=30), limit=5, lease_seconds=60)  # its lease has run out
    await store.add("a", "monthly", "2", NOW - timedelta(minutes=1))
    await store.claim_due(NOW, limit=5, lease_seconds=600)  # another process is sending this one now

    released = await release_all_claims(database, NOW)

    states = await database.fetchall("SELECT item, state FROM reminders ORDER BY item")
    if database.dialect.shared:
        assert (released, states) == (1, [("1", "pending"), ("2", "claimed")])
    else:  # one process owns a SQLite file: every claim at its start is a dead run's
        assert (released, states) == (2, [("1", "pending"), ("2", "pending")])


async def fill_due_reminders(database: Database, accounts: int, each: int) -> None:
    store = ReminderStore(database, CIPHER)
    for account in range(accounts):
        await store.opt_in(f"user{account}", 1000 + account, "UTC", "en")
    await database.executemany(
        "INSERT INTO reminders (user_key, kind, item, due_at) VALUES (:user_key, 'monthly', :item, :due_at)",
        [
            {"user_key": f"user{account}", "item": str(n), "due_at": int(NOW.timestamp()) - n}
            for account in range(accounts)
            for n in range(each)
        ],
    )


async def claim_until_none_left(store: ReminderStore, claimed: list[int]) -> None:
    quiet_rounds = 0
    while quiet_rounds < 3:  # rows the other claimer holds locked are passed over, then gone
        batch = await store.claim_due(NOW, limit=50, lease_seconds=600)
        assert len({due.reminder.user_key for due in batch}) == len(batch), "one per account per batch"
        claimed.extend(due.reminder.id for due in batch)
        quiet_rounds = 0 if batch else quiet_rounds + 1
        await asyncio.sleep(0)  # one turn of the loop, no wait: the other claimer's turn


async def test_two_schedulers_claiming_at_once_take_every_reminder_exactly_once(
    database: Database, target: Path | str
) -> None:
    await fill_due_reminders(database, accounts=200, each=10)  # 2,000 due rows
    # On PostgreSQL each scheduler is its own engine and pool, as two processes would be.
    other = await open_database(target) if isinstance(target, str) else database
    try:
        first: list[int] = []
        second: list[int] = []
        await asyncio.gather(
            claim_until_none_left(ReminderStore(database, CIPHER), first),
            claim_until_none_left(ReminderStore(other, CIPHER), second),
        )
    finally:
        if other is not database:
            await other.close()
    every = first + second
    assert len(every) == 2000 and len(set(every)) == 2000, "each row claimed once, none twice"
    if isinstance(target, str):
        assert first and second, "both schedulers got work"


# --- broadcasts -----------------------------------------------------------------------------


async def test_a_broadcast_reaches_each_news_subscriber_once_and_keeps_only_counts(database: Database) -> None:
    reminders, broadcasts = ReminderStore(database, CIPHER), BroadcastStore(database, CIPHER)
    for n in range(5):
        await reminders.opt_in(f"u{n}", 500 + n, "UTC", "tg" if n < 4 else "ru", news=True)
    assert await broadcasts.audience("tg") == 4 and await broadcasts.audience(None) == 5
    broadcast_id = await broadcasts.create("Hello", "tg", admin_chat=900, now=NOW)
    first = await broadcasts.claim(broadcast_id, 3, NOW, lease_seconds=60)
    second = await broadcasts.claim(broadcast_id, 3, NOW, lease_seconds=60)
    assert len(first) == 3 and len(second) == 1
    assert {chat for _, chat in first + second} == {500, 501, 502, 503}
    await broadcasts.mark(broadcast_id, first[0][0], "sent")
    await broadcasts.mark(broadcast_id, first[1][0], "failed")
    await broadcasts.mark(broadcast_id, first[2][0], "pending")
    progress = await broadcasts.progress(broadcast_id)
    assert (progress.sent, progress.failed, progress.total) == (1, 1, 4)
    assert await broadcasts.running_recipients() == {"pending": 1, "claimed": 1}
    [running] = await broadcasts.running()
    assert (running.id, running.admin_chat) == (broadcast_id, 900)
    assert await broadcasts.finish(broadcast_id, "done")
    assert not await broadcasts.finish(broadcast_id, "done")
    assert await database.fetchall("SELECT admin_box FROM broadcasts") == [(b"",)]
    assert await database.fetchall("SELECT * FROM broadcast_recipients") == []


# --- statistics -----------------------------------------------------------------------------


async def test_events_roll_up_into_counts_and_the_raw_rows_go(database: Database) -> None:
    events = EventStore(database)
    hours = ["2027-03-10T05", "2027-03-10T06"]
    await events.insert([(hour, f"user{n}", "lesson", "contracts") for hour in hours for n in range(250)])
    await events.insert([("2027-03-10T08", "user1", "lesson", "contracts")])
    period = Period(date(2027, 3, 10), date(2027, 3, 10))
    assert await events.counts(period) == {("lesson", "contracts"): 501}

    assert await events.roll_up(until_hour="2027-03-10T07") == 2
    assert await events.counts(period) == {("lesson", "contracts"): 501}
    assert await events.daily(period, "lesson") == {"2027-03-10": 501}
    assert await database.fetchall("SELECT hour, COUNT(*) FROM events GROUP BY hour") == [("2027-03-10T08", 1)]
    assert await events.first_day() == date(2027, 3, 10)
    assert list(await events.user_sketches(period)) == ["2027-03-10"]
    await events.checkpoint()


async def test_two_processes_rolling_up_at_once_count_each_hour_once(database: Database, target: Path | str) -> None:
    hours = [f"2027-03-10T0{h}" for h in range(6)]
    await EventStore(database).insert([(hour, f"user{n}", "lesson", "x") for hour in hours for n in range(20)])
    other = await open_database(target) if isinstance(target, str) else database
    try:
        await asyncio.gather(*(EventStore(db).roll_up(until_hour="2027-03-10T07") for db in (database, other)))
    finally:
        if other is not database:
            await other.close()
    assert await database.fetchall("SELECT SUM(events) FROM daily_counts") == [(120,)]


async def test_weekly_counts_add_up_and_cap_new_campaign_tags(database: Database) -> None:
    campaigns, health = CampaignStore(database), HotlineAnswerStore(database)
    today = date(2027, 3, 10)
    week = iso_week(today)
    batch = [CampaignWeek(week, f"poster{n}", 1, int(n % 2 == 0)) for n in range(MAX_CAMPAIGNS_PER_WEEK + 2)]
    async with database.transaction() as unit:
        await campaigns.add(unit, [*batch, CampaignWeek(week, "poster0", 1, 1)])
    weeks = {week.campaign: (week.opens, week.new_users) for week in await campaigns.recent(today)}
    assert weeks["poster0"] == (2, 2)
    assert weeks[OTHER_CAMPAIGN] == (2, 1)
    assert await campaigns.counted(week, "poster0") and not await campaigns.counted(week, "poster999")
    for outcome in ("answered", "answered", "wrong_number"):
        await health.count_answer(today, "hotline", outcome)  # type: ignore[arg-type]
    await health.count_flag(today, "contracts/fees", "outdated")
    answers = (await health.answers_since(today))["hotline"]
    assert (answers.answered, answers.wrong_number, answers.total) == (2, 1, 3)
    assert await health.flags_since(today) == {"contracts/fees": {"outdated": 1}}


# --- reports, keys, erasure -------------------------------------------------------------------


async def test_reports_page_by_agency_and_reviewed_stops_at_what_was_shown(database: Database) -> None:
    reports = ReportStore(database)
    old, today = (NOW - timedelta(days=400)).date(), NOW.date()
    async with database.transaction() as unit:
        await reports.insert(unit, [NewReport("fees", "RU", "Best Jobs", "best jobs", "asked for $900", old)])
        await reports.insert(unit, [NewReport("passport", "RU", "Best  Jobs", "best jobs", "", today)])
        await reports.insert(unit, [NewReport("unpaid", "KZ", f"Agency {n}", f"agency {n:02}", "", today)
                                    for n in range(GROUPS_PER_PAGE + 1)])  # fmt: skip
    assert await reports.open_group_count() == GROUPS_PER_PAGE + 2
    first, second = await reports.open_groups(), await reports.open_groups(offset=GROUPS_PER_PAGE)
    assert len(first) == GROUPS_PER_PAGE and len(second) == 2
    assert not {group.agency_key for group in first} & {group.agency_key for group in second}
    [group] = [group for group in first + second if group.agency_key == "best jobs"]
    assert (group.total, group.by_problem, group.agency_typed) == (2, {"fees": 1, "passport": 1}, "Best  Jobs")
    assert await reports.reported_keys(limit=1) == ["agency 10"]

    async with database.transaction() as unit:  # stored after staff were shown the group
        await reports.insert(unit, [NewReport("threats", "RU", "Best Jobs", "best jobs", "", today)])
    assert await reports.mark_reviewed(group.ref, group.last_id) == 2
    [still_open] = [g for g in await reports.open_groups(limit=100) if g.agency_key == "best jobs"]
    assert still_open.by_problem == {"threats": 1}
    assert await reports.delete_before((NOW - timedelta(days=365)).date()) == 1
    assert await reports.open_count() == GROUPS_PER_PAGE + 2


async def test_a_batch_is_written_on_the_hour_in_one_unit_of_work_in_a_random_order(database: Database) -> None:
    clock = ManualClock(NOW.replace(minute=5))
    writes = UnlinkedWrites(database, clock)
    reports = writes.kind("offer_reports", ReportStore(database).insert)
    campaigns = writes.kind("campaign_weeks", CampaignStore(database).add)
    sent = [NewReport("fees", "RU", f"Agency {n:02}", f"agency {n:02}", "", NOW.date()) for n in range(12)]
    for number, report in enumerate(sent):
        reports.add(report, person=f"person{number % 2}")  # two people
    assert await writes.write_if_due() == 0
    clock.set(NOW.replace(hour=10, minute=0, second=1))
    assert await writes.write_if_due() == 0, "two people's rows wait for a third, however many"
    campaigns.add(CampaignWeek(iso_week(NOW.date()), "poster", 1, 0), person="person2")
    clock.set(NOW.replace(hour=10, minute=59))
    assert await writes.write_if_due() == 0, "only on the hour"
    clock.set(NOW.replace(hour=11, minute=0, second=1))
    assert await writes.write_if_due() == 13
    assert await writes.write_if_due() == 0 and writes.waiting == 0

    by_id = await database.fetchall("SELECT agency_typed FROM offer_reports ORDER BY id")
    assert sorted(by_id) == [(report.agency_typed,) for report in sent]
    assert by_id != [(report.agency_typed,) for report in sent], "ids do not follow the order they were sent in"
    if database.dialect.name == "postgresql":  # one transaction: every row carries its number
        stamps = await database.fetchall(
            "SELECT xmin::text FROM offer_reports UNION SELECT xmin::text FROM campaign_weeks"
        )
        assert len(stamps) == 1

    reports.add(sent[0], person="alone")
    clock.set((NOW + timedelta(days=1)).replace(hour=10, minute=0, second=1))
    assert await writes.write_if_due() == 0, "alone, it waits"
    clock.set((NOW + timedelta(days=1)).replace(hour=11, minute=0, second=1))
    assert await writes.write_if_due() == 1, "until the last hour within a day"


async def test_a_batch_that_cannot_be_written_waits_whole_for_the_next_try(database: Database) -> None:
    clock = ManualClock(NOW)
    writes = UnlinkedWrites(database, clock)
    told: list[str] = []

    async def tell() -> None:
        told.append("stored")

    reports = writes.kind("offer_reports", ReportStore(database).insert)

    async def fails(unit: Database, rows: list[str]) -> None:
        await unit.execute("INSERT INTO no_such_table VALUES (1)")

    broken = writes.kind("broken", fails)
    reports.add(NewReport("fees", "RU", "Kept", "kept", "", NOW.date()), person="a", then=tell)
    broken.add("x", person="b")
    with pytest.raises(Exception):  # noqa: B017 (the backend's own error)
        await writes.flush()
    assert writes.waiting == 2 and told == []
    assert await database.fetchall("SELECT COUNT(*) FROM offer_reports") == [(0,)], "nothing half-written"


async def test_day_and_week_tallies_count_up_to_a_limit_under_a_salt_that_goes_with_the_period(
    redis_url: str,
) -> None:
    from redis.asyncio import Redis

    from bot.storage.redis.tally import RedisTally

    redis = Redis.from_url(redis_url)
    try:
        for tally in (MemoryTally(), RedisTally(redis)):
            today = day_of(NOW)
            taken = [await tally.take(today, "report:someone", 3) for _ in range(4)]
            assert taken == [True] * 3 + [False]
            assert await tally.take(today, "report:someone else", 3)
            assert await tally.take(day_of(NOW + timedelta(days=1)), "report:someone", 3), "a new day, a new count"
            week = week_of(NOW)
            assert [await tally.take(week, "open:poster:someone", 1) for _ in range(2)] == [True, False]
        keys = b" ".join(await redis.keys("*"))
        assert b"someone" not in keys and b"poster" not in keys, "Redis holds keyed hashes only"
        assert 0 < await redis.ttl(f"safar:salt:{day_of(NOW).name}") <= 86_400
    finally:
        await redis.aclose()


async def test_key_fingerprints_are_kept_and_forget_erases_every_personal_table(database: Database) -> None:
    records = KeyFingerprints(database)
    assert not await records.depended_on("pseudonym")
    await records.record("pseudonym", "aaaa")
    await records.record("pseudonym", "bbbb")
    assert await records.fingerprints() == {"pseudonym": "bbbb"}
    settings, reminders = UserSettingsStore(database), ReminderStore(database, CIPHER)
    await settings.set_language("gone", "tg")
    await settings.set_language("stays", "ru")
    await reminders.opt_in("gone", 42, "UTC", "tg", news=True)
    await reminders.add("gone", "monthly", "1", NOW)
    await EventStore(database).insert([("2027-03-10T08", "gone", "lesson", "x")])
    await BroadcastStore(database, CIPHER).create("News", None, admin_chat=1, now=NOW)
    assert await records.depended_on("pseudonym") and await records.depended_on("delivery")

    await settings.forget("gone")

    for table in PERSONAL_TABLES:
        assert await database.fetchall(f"SELECT * FROM {table} WHERE user_key = 'gone'") == [], table
    assert await settings.language("stays") == "ru"
    if database.dialect.name == "postgresql":  # no secure_delete: the erased tables are vacuumed at once
        vacuumed = await database.fetchall(
            "SELECT relname FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL ORDER BY relname"
        )
        assert {str(name) for (name,) in vacuumed} >= set(PERSONAL_TABLES)


async def test_each_reload_is_numbered_after_the_last_and_only_the_newest_is_kept(database: Database) -> None:
    reloads = ContentReloadStore(database)
    assert (await reloads.latest()).number == 0
    numbers = [await reloads.announce(NOW + timedelta(minutes=n)) for n in range(3)]
    assert numbers == sorted(set(numbers))
    assert await reloads.latest() == Reload(numbers[-1], NOW + timedelta(minutes=2))
    assert await database.fetchall("SELECT id FROM content_reloads") == [(numbers[-1],)]


# --- PostgreSQL only ------------------------------------------------------------------------


async def test_processes_starting_at_once_create_the_schema_once(postgres_server: PostgresServer) -> None:
    url = postgres_server.empty_database()
    opened = await asyncio.gather(*(open_postgres(url) for _ in range(4)))
    try:
        assert await opened[0].fetchall("SELECT version FROM schema_version") == [(VERSION,)]
        assert await opened[3].fetchall("SELECT rolled_until FROM rollup_state") == [("0000-00-00T00",)]
    finally:
        for database in opened:
            await database.close()


async def test_forget_during_a_delivery_waits_for_it_instead_of_deadlocking(postgres_url: str) -> None:
    """A delivery deletes the reminder, then the chat it no longer needs; /forget in another
    process at that moment takes the rows in the same order, so it waits instead of deadlocking."""
    delivering, forgetting = await open_database(postgres_url), await open_database(postgres_url)
    try:
        store = ReminderStore(delivering, CIPHER)
        await store.opt_in("someone", 77, "UTC", "en")
        reminder_id = await store.add("someone", "monthly", "1", NOW)
        async with delivering.transaction() as tx:  # mark_sent, held open half-way
            await tx.execute("DELETE FROM reminders WHERE id = :id", {"id": reminder_id})
            forget = asyncio.create_task(UserSettingsStore(forgetting).forget("someone"))
            await blocked_on_locks(delivering)
            await tx.execute("DELETE FROM reminder_chats WHERE user_key = 'someone'")
        await asyncio.wait_for(forget, 10)
        assert await delivering.fetchall("SELECT * FROM reminder_chats") == []
    finally:
        await delivering.close()
        await forgetting.close()


async def test_a_cancel_while_another_process_marks_a_delivery_waits_instead_of_deadlocking(postgres_url: str) -> None:
    sending, cancelling = await open_database(postgres_url), await open_database(postgres_url)
    try:
        await ReminderStore(sending, CIPHER).opt_in("someone", 77, "UTC", "en", news=True)
        broadcast_id = await BroadcastStore(sending, CIPHER).create("News", None, admin_chat=1, now=NOW)
        async with sending.transaction() as tx:  # BroadcastStore.mark, held open half-way
            await tx.execute("DELETE FROM broadcast_recipients WHERE user_key = 'someone'")
            cancel = asyncio.create_task(BroadcastStore(cancelling, CIPHER).finish(broadcast_id, "cancelled"))
            await blocked_on_locks(sending)
            await tx.execute("UPDATE broadcasts SET sent = sent + 1 WHERE id = :id", {"id": broadcast_id})
        assert await asyncio.wait_for(cancel, 10)
        assert await sending.fetchall("SELECT state, sent FROM broadcasts") == [("cancelled", 1)]
    finally:
        await sending.close()
        await cancelling.close()


async def test_a_later_schema_step_runs_once_when_processes_start_at_once(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next step of the definition, applied once under the lock when processes start at once;
    an older Safar then refuses the database a newer one upgraded."""
    applied: list[Step] = []
    apply_step = schema.apply

    def apply(step: Step, connection: Connection) -> None:
        applied.append(step)
        apply_step(step, connection)

    monkeypatch.setattr(postgres.schema, "apply", apply)
    monkeypatch.setattr(postgres, "STEPS", (*STEPS, AddColumn("user_settings", text("later", nullable=True))))
    opened = await asyncio.gather(*(open_postgres(postgres_url) for _ in range(3)))
    try:
        assert len(applied) == 1
        assert await opened[2].fetchall("SELECT version FROM schema_version") == [(VERSION + 1,)]
        await opened[1].execute("INSERT INTO user_settings (user_key, language, later) VALUES ('a', 'tg', 'x')")
    finally:
        for database in opened:
            await database.close()
    monkeypatch.setattr(postgres, "STEPS", STEPS)
    with pytest.raises(DatabaseUnavailable, match=f"schema version {VERSION + 1}; this Safar knows up to {VERSION}"):
        await open_postgres(postgres_url)


def undone(steps: tuple[Step, ...]) -> list[str]:
    """SQL that takes the tables and columns these steps added away again, last step first."""
    statements = []
    for step in reversed(steps):
        if isinstance(step, AddTable):
            statements.append(f"DROP TABLE {step.table.name}")
        elif isinstance(step, AddColumn):
            statements.append(f"ALTER TABLE {step.table} DROP COLUMN {step.column.name}")
        else:
            raise AssertionError(f"teach undone() to take back {step}")
    return statements


async def test_a_postgres_database_made_by_the_first_version_is_upgraded_with_its_rows(postgres_url: str) -> None:
    """A database at version 1 (before the discreet reminders, /reload and the report limit in
    memory) keeps its version number and is brought up from there: the hand-written upgrades,
    then the steps of the definition, to the tables a new database has."""
    engine = create_async_engine(engine_url(postgres_url))
    async with engine.begin() as connection:  # what the first version made
        for statement in (
            "ALTER TABLE user_settings DROP COLUMN plain_reminders",
            "DROP TABLE content_reloads",
            "CREATE TABLE report_quota (user_key TEXT NOT NULL, day TEXT NOT NULL, reports BIGINT NOT NULL, "
            "PRIMARY KEY (user_key, day))",
            "UPDATE schema_version SET version = 1",
            "INSERT INTO user_settings (user_key, language) VALUES ('old', 'uz')",
            *undone(STEPS),  # what the definition's steps added came after the first version
        ):
            await connection.execute(sql(statement))
    await engine.dispose()

    database = await open_postgres(postgres_url)
    try:
        assert await database.fetchall("SELECT version FROM schema_version") == [(VERSION,)]
        assert await database.fetchall("SELECT user_key, language, plain_reminders FROM user_settings") == [
            ("old", "uz", 0)
        ]
    finally:
        await database.close()
    assert await found_in(postgres_url) == declared()


async def test_two_processes_adding_at_once_never_take_an_account_past_its_limit(
    database: Database, target: Path | str
) -> None:
    """Two workers (two connections) add one person's reminders at the same moment."""
    other = await open_database(target)
    try:
        stores = [ReminderStore(database, CIPHER), ReminderStore(other, CIPHER)]
        await stores[0].opt_in("busy", 111, "Asia/Dushanbe", "tg")

        async def add_many(store: ReminderStore, process: int) -> list[int | None]:
            return await asyncio.gather(
                *(store.add("busy", "monthly", f"{process}-{n}", NOW + timedelta(minutes=n)) for n in range(15))
            )

        first, second = await asyncio.gather(add_many(stores[0], 0), add_many(stores[1], 1))
        accepted = [number for number in first + second if number is not None]
        assert len(accepted) == MAX_PENDING_PER_ACCOUNT
        assert len(await stores[1].scheduled("busy")) == MAX_PENDING_PER_ACCOUNT
    finally:
        await other.close()


async def test_forget_while_old_events_are_cleared_waits_instead_of_deadlocking(postgres_url: str) -> None:
    """/forget deletes a person's events in the table's order; clearing events the roll-up has
    passed deletes them by hour. Three of the person's late events whose hours run against the
    table's order, one of them held for a moment by a third process, used to make the two lock
    them in opposite orders (DeadlockDetectedError): both now take the roll-up watermark first."""
    holding, forgetting, clearing = [await open_database(postgres_url) for _ in range(3)]
    try:
        events = EventStore(holding)
        for hour in ("09", "08", "07"):  # one statement each: the table's order is 09, 08, 07
            await events.insert([(f"2026-12-01T{hour}", "someone", "lesson", "")])
        await events.insert([("2026-12-01T12", f"other{n}", "lesson", "") for n in range(5000)])
        await holding.execute("ANALYZE events")
        await holding.execute("UPDATE rollup_state SET rolled_until = '2026-12-01T10' WHERE id = 1")
        async with holding.transaction() as tx:  # another unit of work on the middle event
            await tx.execute("SELECT 1 FROM events WHERE hour = '2026-12-01T08' FOR UPDATE")
            forget = asyncio.create_task(UserSettingsStore(forgetting).forget("someone"))
            await blocked_on_locks(holding)
            clear = asyncio.create_task(EventStore(clearing).delete_rolled_up())
            await blocked_on_locks(holding, 2)
        await asyncio.wait_for(asyncio.gather(forget, clear), 10)
        assert await holding.fetchall("SELECT hour FROM events WHERE user_key = 'someone'") == []
    finally:
        for database in (holding, forgetting, clearing):
            await database.close()


def test_every_table_keyed_by_a_person_is_erased_by_forget() -> None:
    """A new table with a `user_key` column that is not in the erasure order would outlive /forget."""
    keyed = {name for name, table in schema.metadata.tables.items() if "user_key" in table.columns}
    assert keyed == set(PERSONAL_TABLES)


async def test_stop_takes_the_chat_and_what_waited_for_it_and_keeps_the_rest(database: Database) -> None:
    settings, reminders = UserSettingsStore(database), ReminderStore(database, CIPHER)
    await settings.set_language("leaving", "uz")
    await reminders.opt_in("leaving", 42, "UTC", "uz", news=True)
    await reminders.add("leaving", "monthly", "1", NOW)
    broadcasts = BroadcastStore(database, CIPHER)
    news = await broadcasts.create("News", None, admin_chat=1, now=NOW)
    await EventStore(database).insert([("2027-03-10T08", "leaving", "lesson", "x")])
    assert (await broadcasts.progress(news)).total == 1

    assert await reminders.stop("leaving") == 1

    assert await reminders.chat("leaving") is None and await reminders.scheduled("leaving") == []
    assert (await broadcasts.progress(news)).total == 0, "the news waiting for that chat goes with it"
    assert await settings.language("leaving") == "uz", "/stop is not /forget"
    assert await database.fetchall("SELECT name FROM events WHERE user_key = 'leaving'") == [("lesson",)]
