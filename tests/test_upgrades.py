"""Upgrading Safar keeps everything: a database left at any earlier schema version (each prefix of
the migration list), holding the rows a live bot writes, migrates to the latest schema with every
row kept, ends with the schema of a new database, and the bot then serves its users."""

import secrets
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.privacy.key_setup import unlock
from bot.privacy.pseudonyms import Pseudonymizer
from bot.privacy.secret_keys import ChatCipher, KeySources, fingerprint
from bot.storage.backends.sqlite import open_database
from bot.storage.schema.sqlite_migrations import MIGRATIONS
from bot.storage.stores.key_fingerprints import KeyFingerprints
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import start_in
from tests.support.running import RunningBot

KEY = secrets.token_hex(32)
OLD_USER = 6203
USER_KEY = Pseudonymizer(KEY.encode()).user_key(OLD_USER)
LATER_USER_KEY = Pseudonymizer(KEY.encode()).user_key(OLD_USER + 1)
DELIVERY_KEY = "d" * 64
CIPHER = ChatCipher(bytes.fromhex(DELIVERY_KEY))

ROWS: dict[int, list[tuple[str, dict[str, Any]]]] = {
    1: [
        ("user_settings", {"user_key": USER_KEY, "language": "uz", "created_on": "2026-10-01"}),
        ("fsm_state", {"storage_key": "k1", "user_key": USER_KEY, "state": None, "data": '{"lesson": "contracts"}'}),
    ],
    2: [
        ("offer_reports", {"created_hour": "2026-10-02T09", "problem": "fees", "country": "RU",
                           "agency_typed": "Ромашка", "agency_key": "romashka", "details": ""}),
        ("report_quota", {"user_key": USER_KEY, "day": "2026-10-02", "reports": 1}),
    ],
    3: [
        ("reminder_chats", {"user_key": USER_KEY, "chat_id": OLD_USER, "time_zone": "Europe/Moscow", "language": "uz"}),
        ("reminders", {"user_key": USER_KEY, "kind": "monthly", "item": "15", "due_at": 1_800_000_000}),
        ("events", {"hour": "2026-10-02T09", "user_key": USER_KEY, "name": "lesson_opened", "detail": "contracts"}),
    ],
    4: [
        ("daily_counts", {"day": "2026-10-01", "name": "lesson_opened", "detail": "contracts", "events": 7}),
        ("daily_users", {"day": "2026-10-01", "sketch": b"\x00" * 16}),
        ("broadcasts", {"id": 1, "created_hour": "2026-10-03T10", "text": "Hello", "language": None, "state": "done",
                        "admin_chat": 1}),
        ("broadcast_recipients", {"broadcast_id": 1, "user_key": USER_KEY, "chat_id": OLD_USER, "state": "sent"}),
    ],
    5: [],  # roll-up progress: a row the migration itself writes
    6: [
        ("reminder_chats", {"user_key": LATER_USER_KEY, "chat_box": CIPHER.seal(OLD_USER + 1),
                            "time_zone": "Asia/Dushanbe", "language": "tg", "news": 1}),
        ("broadcasts", {"id": 2, "created_hour": "2026-11-03T10", "text": "News", "language": "tg",
                        "state": "running", "admin_box": CIPHER.seal(1), "sent": 3, "failed": 1}),
        ("broadcast_recipients", {"broadcast_id": 2, "user_key": LATER_USER_KEY,
                                  "chat_box": CIPHER.seal(OLD_USER + 1), "state": "pending"}),
        ("key_fingerprints", {"name": "pseudonym", "fingerprint": fingerprint(KEY.encode())}),
    ],
    7: [
        ("offer_reports", {"created_day": "2026-11-04", "problem": "passport", "country": "KZ",
                           "agency_typed": "", "agency_key": "", "details": ""}),
        ("report_quota", {"user_key": "salted-day-key", "day": "2026-11-04", "reports": 1}),
    ],
    8: [
        ("fsm_state", {"storage_key": "k2", "user_key": LATER_USER_KEY, "state": None,
                       "data": '{"conversation": {"position": ["contracts", 2]}}'}),
    ],
    9: [
        ("user_settings", {"user_key": LATER_USER_KEY, "language": "tg"}),
    ],
    10: [
        ("campaign_weeks", {"week": "2026-W45", "campaign": "pdo-dushanbe", "opens": 12, "new_users": 7}),
        ("contact_answers", {"week": "2026-W45", "contact": "ru_emergency", "outcome": "answered", "answers": 3}),
        ("screen_flags", {"week": "2026-W45", "screen": "abroad/patent", "reason": "outdated", "flags": 1}),
    ],
    11: [
        ("broadcast_proposals", {"id": 1, "proposed_at": 1_790_000_000, "proposed_by": 900, "text": "News",
                                 "language": None, "release_at": None, "state": "proposed"}),
        ("staff_audit", {"id": 1, "at": 1_790_000_000, "staff_id": 900, "action": "reload", "detail": ""}),
    ],
    12: [
        ("user_settings", {"user_key": "plain-texts-user", "language": "ru", "plain_reminders": 1}),
    ],
    13: [
        ("content_reloads", {"id": 1, "at": 1_790_000_000}),
    ],
    14: [],  # the report limit's table is dropped: nothing of it is written any more
    15: [
        ("user_settings", {"user_key": "kyrgyz-passport-user", "language": "uz", "plain_reminders": 0,
                           "passport_country": "KG"}),
    ],
    16: [
        ("counsellor_cases", {"user_key": "person-with-a-case", "chat_box": b"sealed", "case_id": 1, "topic_id": 77,
                              "language": "tg", "closed_at": None}),
    ],
    17: [
        ("counsellor_topics", {"id": 1, "topic_id": 77, "opened_hour": 1_790_000_000, "closed_hour": None,
                               "answered_hour": None, "overdue_told": 0}),
    ],
    18: [
        ("counsellor_blocks", {"block_key": "keyed-hash-of-a-pseudonym", "until_hour": 1_790_000_000}),
    ],
    19: [
        ("counsellor_relays", {"id": 1, "user_key": "person-with-a-case", "case_id": 1, "direction": "topic",
                               "chat_box": b"sealed", "topic_id": 77, "message_id": 5, "language": "tg",
                               "state": "new"}),
    ],
    20: [
        ("desk_figures", {"id": 1, "event": "answered", "hour": 1_790_000_000, "wait_hours": 3, "answer": None}),
    ],
    21: [
        ("counsellor_cases", {"user_key": "person-asked-if-it-helped", "chat_box": b"sealed", "case_id": 2,
                              "topic_id": 78, "language": "ru", "closed_at": 1_790_003_600, "helped_answered": 1}),
    ],
    22: [
        ("telegram_files", {"content_hash": "ab" * 32, "kind": "voice", "file_id": "AwACAgIAAxkDAAI"}),
    ],
    23: [
        ("user_settings", {"user_key": "person-in-listen-mode", "language": "tg", "listen_first": 1}),
    ],
    24: [
        ("advert_checks", {"id": 1, "week": "2026-W49", "flags": "fee,urgency", "channel": "jobs_example",
                           "new_person": 1, "fingerprint": 2**62 + 5}),
    ],
}  # fmt: skip
"""What a live bot had written by each schema version. A new migration adds its entry here."""

NOT_KEPT = {"broadcast_recipients": 6, "report_quota": 7}
"""Rows written before migration N that an upgrade past it drops on purpose: a recipient already
sent to (counted in its broadcast instead), a report quota keyed with a stale day key."""
DROPPED = {"report_quota": 14}
"""Tables migration N drops, with whatever rows they held: the report limit is counted in memory."""
PLAIN = "_plain"
"""Migration 6 renames the tables of plain chat ids; the first start seals their rows and drops them."""


def build_at(path: Path, version: int) -> dict[str, int]:
    """A database at schema `version`, as that release left it, holding representative rows."""
    with sqlite3.connect(path, isolation_level=None) as connection:
        for number, script in enumerate(MIGRATIONS[:version], start=1):
            connection.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
            for table, row in ROWS[number]:
                columns = ", ".join(row)
                connection.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})",
                                   tuple(row.values()))  # fmt: skip
        return counts(connection)


def counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}


def expected_after(before: dict[str, int], version: int) -> dict[str, int]:
    """The rows an upgrade from `version` keeps: plain chat ids sealed into their new tables, minus
    what NOT_KEPT drops on purpose, and both keys' fingerprints recorded."""
    expected: dict[str, int] = {}
    for table, count in before.items():
        expected[table.removesuffix(PLAIN)] = expected.get(table.removesuffix(PLAIN), 0) + count
    for number in range(1, version + 1):
        for table, _ in ROWS[number]:
            last = NOT_KEPT.get(table, 0)
            if number < last and (version < last or f"{table}{PLAIN}" in before):
                expected[table] -= 1
    if "key_fingerprints" in expected:
        expected["key_fingerprints"] = 2
    return {table: count for table, count in expected.items() if table not in DROPPED}


async def upgrade(path: Path, keys: Path) -> None:
    """What a start of the new release does to the database: migrate, then unlock the keys."""
    database = await open_database(path)
    try:
        sources = KeySources(directory=keys, pseudonym_env=KEY, delivery_env=DELIVERY_KEY)
        await unlock(KeyFingerprints(database), sources, path.parent)
    finally:
        await database.close()


def schema(path: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return set(connection.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def test_every_migration_has_representative_rows() -> None:
    assert set(ROWS) == set(range(1, len(MIGRATIONS) + 1)), "add the rows a live bot writes at the new version"


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS)))
async def test_a_database_at_an_earlier_version_migrates_to_the_latest_and_keeps_every_row(
    tmp_path: Path, version: int
) -> None:
    old, new = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    before = build_at(old, version)
    await upgrade(old, tmp_path / "keys")
    await upgrade(new, tmp_path / "keys")
    with sqlite3.connect(old) as migrated:
        assert migrated.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert migrated.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        after = counts(migrated)
    expected = expected_after(before, version)
    assert {table: after.get(table) for table in expected} == expected, "no row lost"
    with sqlite3.connect(old) as migrated:
        opened = {CIPHER.open(box) for (box,) in migrated.execute("SELECT chat_box FROM reminder_chats")}
    written = {chat for chat, since in ((OLD_USER, 3), (OLD_USER + 1, 6)) if version >= since}
    assert opened == written, "every chat id is sealed, and opens with the delivery key"
    assert schema(old) == schema(new), "the same tables and indexes as a new database"


async def test_the_bot_serves_its_users_after_an_upgrade_from_the_first_version(
    telegram: FakeTelegram, settings: Settings
) -> None:
    settings.db_path.parent.mkdir(parents=True)
    build_at(settings.db_path, 1)
    settings.pseudonym_key = SecretStr(KEY)
    bot = RunningBot(settings)
    await bot.start()
    try:
        newcomer = telegram.user(6204, "ru")
        uzbek_menu = await start_in(newcomer, "Oʻzbekcha")
        old_user = telegram.user(OLD_USER, "ru")  # the phone says Russian; they chose Uzbek long ago
        await old_user.send("/menu")
        assert (await old_user.reply()).text == uzbek_menu.text
    finally:
        await bot.stop()
