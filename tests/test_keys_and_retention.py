"""The keys that protect chat ids and pseudonyms: kept apart, checked, rotated; chat ids stored
in plain form by an earlier version are sealed at the first start; old reports expire."""

import asyncio
import secrets
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import main
from bot.config import Settings
from bot.privacy.key_setup import key_sources, rotate, unlock
from bot.privacy.pseudonyms import Pseudonymizer
from bot.privacy.secret_keys import ChatCipher, fingerprint
from bot.storage.backends.sqlite import open_database
from bot.storage.schema.sqlite_migrations import MIGRATIONS
from bot.storage.stores.key_fingerprints import KeyFingerprints
from bot.storage.stores.reminders import ReminderStore
from tests.support.clock import ManualClock
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.journeys import start_in
from tests.support.processes import run_command, run_to_end
from tests.support.running import RunningBot
from tests.support.stored import stored, write

CHAT = 987654321


def chat_id_encodings(chat_id: int) -> list[bytes]:
    """The ways a chat id can sit in a file: text, and SQLite's big-endian integers."""
    return [str(chat_id).encode(), chat_id.to_bytes(4, "big"), chat_id.to_bytes(8, "big")]


def files_hold(directory: Path, needle: bytes) -> list[str]:
    return [path.name for path in directory.rglob("*") if path.is_file() and needle in path.read_bytes()]


def version_5_database(db_path: Path) -> None:
    """A database as the version before this one left it: plain chat ids."""
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path, isolation_level=None) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        for number, script in enumerate(MIGRATIONS[:5], start=1):
            connection.executescript(f"BEGIN;\n{script}\nPRAGMA user_version={number};\nCOMMIT;")
        connection.execute(
            "INSERT INTO reminder_chats (user_key, chat_id, time_zone, language) VALUES ('u1', ?, 'Europe/Moscow', 'ru')",
            (CHAT,),
        )
        connection.execute(
            "INSERT INTO reminder_chats (user_key, chat_id, time_zone, language, active) "
            "VALUES ('u2', 555000111, 'Europe/Moscow', 'ru', 0)"
        )
        connection.execute(
            "INSERT INTO broadcasts (created_hour, text, language, state, admin_chat) "
            "VALUES ('2026-11-01T10', 'news', NULL, 'done', 900)"
        )
        connection.execute(
            "INSERT INTO broadcast_recipients (broadcast_id, user_key, chat_id, state) VALUES (1, 'u1', ?, 'sent')",
            (CHAT,),
        )
        connection.execute(
            "INSERT INTO reminders (user_key, kind, item, payload, due_at) VALUES ('u1', 'expiry', 'x', '{}', 1900000000)"
        )
    (db_path.parent / "pseudonym.key").write_bytes(b"a" * 64)


async def test_an_upgrade_seals_the_plain_chat_ids_and_moves_the_key_out_of_the_data_directory(
    settings: Settings,
) -> None:
    version_5_database(settings.db_path)
    bot = RunningBot(settings)
    await bot.start()
    await bot.stop()
    assert settings.key_dir is not None
    assert not (settings.db_path.parent / "pseudonym.key").exists()
    assert (settings.key_dir / "pseudonym.key").read_bytes() == b"a" * 64, "the same key, so users keep their settings"
    cipher = ChatCipher(bytes.fromhex((settings.key_dir / "delivery.key").read_text()))
    with sqlite3.connect(settings.db_path) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        chats = connection.execute("SELECT user_key, chat_box, news FROM reminder_chats").fetchall()
        admin = connection.execute("SELECT admin_box, sent, failed FROM broadcasts").fetchall()
        recipients = connection.execute("SELECT * FROM broadcast_recipients").fetchall()
    assert not any(table.endswith("_plain") for table in tables)
    assert [(key, cipher.open(box), news) for key, box, news in chats] == [("u1", CHAT, 0)], (
        "the blocked chat is gone; news only on request"
    )
    assert admin == [(b"", 1, 0)], "a finished broadcast keeps its counts, not the staff member's chat"
    assert recipients == [], "delivered broadcast rows are not kept"
    for encoding in chat_id_encodings(CHAT):
        assert files_hold(settings.db_path.parent, encoding) == [], encoding


@pytest.mark.both_backends
async def test_a_wrong_or_missing_key_stops_the_start_with_one_line_saying_what_to_restore(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    bot = RunningBot(settings)
    await bot.start()
    user = telegram.user(user_id=4711, language_code="en")
    await start_in(user, "English")
    await ReminderStore(bot.app.database, bot.app.cipher).opt_in("someone", 4711, "Europe/Moscow", "en")
    await bot.stop()
    assert settings.key_dir is not None
    common = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "DB_PATH": str(settings.db_path),
              "KEY_DIR": str(settings.key_dir)}  # fmt: skip
    if settings.database_url is not None:
        common["DATABASE_URL"] = settings.database_url.get_secret_value()

    code, stderr = await run_to_end(tmp_path, **common, PSEUDONYM_KEY="some-other-key-of-enough-length")
    assert code == 2 and stderr.count("\n") == 1, stderr
    assert "pseudonym key" in stderr and "restore" in stderr

    (settings.key_dir / "delivery.key").unlink()
    code, stderr = await run_to_end(tmp_path, **common)
    assert code == 2 and stderr.count("\n") == 1, stderr
    assert "delivery key is missing" in stderr and "restore" in stderr
    assert not (settings.key_dir / "delivery.key").exists(), "never regenerated silently"


@pytest.mark.both_backends
async def test_rotating_the_delivery_key_keeps_pending_reminders_deliverable(
    telegram: FakeTelegram, settings: Settings
) -> None:
    clock = ManualClock(datetime(2027, 2, 23, 6, 0, tzinfo=UTC))
    settings.reminder_check_seconds = 0.1
    bot = RunningBot(settings, clock)
    await bot.start()
    store = ReminderStore(bot.app.database, bot.app.cipher)
    await store.opt_in("someone", 4811, "Europe/Moscow", "en")
    await store.add("someone", "expiry", "x", datetime(2027, 2, 24, 7, tzinfo=UTC), {"date": "01.06.2027"})
    await bot.stop()
    assert settings.key_dir is not None
    old_key = (settings.key_dir / "delivery.key").read_text()

    assert await rotate(settings) == 1
    assert (settings.key_dir / "delivery.key").read_text() != old_key
    assert not (settings.key_dir / "delivery.key.new").exists()

    await bot.start()
    clock.set(datetime(2027, 2, 24, 9, 0, tzinfo=UTC))
    await telegram.delivered_at_least(1)
    await bot.stop()
    assert [chat for _, chat, _ in telegram.delivered] == [4811]


@pytest.mark.both_backends
async def test_reports_older_than_the_retention_are_deleted(telegram: FakeTelegram, settings: Settings) -> None:
    settings.report_retention_days = 365
    settings.pseudonym_key = SecretStr(secrets.token_hex(32))
    today = date.today()
    bot = RunningBot(settings)
    await bot.start()
    await bot.stop()
    await write(
        settings,
        "INSERT INTO offer_reports (created_day, problem, country, agency_typed, agency_key) "
        "VALUES (:day, 'passport', 'RU', 'X', 'x')",
        [{"day": (today - timedelta(days=age)).isoformat()} for age in (400, 366, 30)],
    )
    await bot.start()
    await bot.app.retention.run()
    await bot.stop()
    days = [row[0] for row in await stored(settings, "SELECT created_day FROM offer_reports")]
    assert days == [(today - timedelta(days=30)).isoformat()]


@pytest.mark.both_backends
def test_safar_keys_rotate_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None
) -> None:
    settings = Settings(_env_file=None, db_path=tmp_path / "data" / "safar.sqlite3", key_dir=tmp_path / "keys",  # type: ignore[call-arg]
                        database_url=SecretStr(database_url) if database_url else None)  # fmt: skip

    async def one_reminder_chat() -> None:
        database = await open_database(settings.database_target)
        keys = await unlock(KeyFingerprints(database), key_sources(settings), settings.db_path.parent)
        await ReminderStore(database, ChatCipher(keys.delivery)).opt_in("someone", 4911, "Europe/Moscow", "en")
        await database.close()

    asyncio.run(one_reminder_chat())
    old_key = (tmp_path / "keys" / "delivery.key").read_text()
    for name in ("PSEUDONYM_KEY", "DELIVERY_KEY", "CREDENTIALS_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DB_PATH", str(settings.db_path))
    monkeypatch.setenv("KEY_DIR", str(tmp_path / "keys"))
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["keys", "rotate"]) == 0
    new_key = (tmp_path / "keys" / "delivery.key").read_text()
    assert new_key != old_key
    [(sealed,)] = asyncio.run(stored(settings, "SELECT chat_box FROM reminder_chats"))
    assert ChatCipher(bytes.fromhex(new_key)).open(sealed) == 4911


TYPED_KEY = "our-ngo-safar-key-2026"


@pytest.mark.both_backends
async def test_safar_keys_rekey_replaces_a_typed_pseudonym_key_and_keeps_who_it_can(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A database an earlier version keyed with a typed key: after `safar keys rekey`, the person
    with a reminder keeps it and their language; someone who only chose a language chooses again;
    nothing stored is keyed with the typed key any more, and no start warns."""
    assert settings.key_dir is not None
    settings.key_dir.mkdir(mode=0o700)
    (settings.key_dir / "pseudonym.key").write_text(TYPED_KEY)
    (settings.key_dir / "pseudonym.key").chmod(0o600)
    await write(settings, "INSERT INTO key_fingerprints (name, fingerprint) VALUES (:name, :fingerprint)",
                [{"name": "pseudonym", "fingerprint": fingerprint(TYPED_KEY.encode())}])  # fmt: skip
    await write(settings, "INSERT INTO user_settings (user_key, language) VALUES (:user_key, 'tg')",
                [{"user_key": Pseudonymizer(TYPED_KEY.encode()).user_key(7100)}])  # fmt: skip
    clock = ManualClock(datetime(2027, 1, 10, 12, 0, tzinfo=UTC))
    settings.reminder_check_seconds = 0.1
    bot = RunningBot(settings, clock)
    await bot.start()
    assert "SECURITY: the pseudonym key in" in caplog.text, "a loud warning at the start"
    payer, reader = telegram.user(user_id=7101, language_code="en"), telegram.user(user_id=7102, language_code="ru")
    await start_in(payer, "English")
    await payer.send("/reminders")
    await payer.press(await payer.reply(), "Monthly patent payment")
    await payer.press(await payer.reply(), "11")
    await payer.reply()
    await start_in(reader, "Русский")
    await bot.stop()

    new_key = tmp_path / "new.key"
    new_key.write_text(secrets.token_hex(32) + "\n")
    new_key.chmod(0o600)
    operator = {"DB_PATH": str(settings.db_path), "KEY_DIR": str(settings.key_dir)}
    if settings.database_url is not None:
        operator["DATABASE_URL"] = settings.database_url.get_secret_value()
    code, output = await run_command(tmp_path, ["keys", "rekey", str(new_key)], **operator)
    assert code == 0, output
    assert "safar: re-keyed: 1 account(s) with reminders or news kept everything; 2 other(s)" in output
    assert not new_key.exists(), "moved into the key directory, where the typed key was"
    random_key = (settings.key_dir / "pseudonym.key").read_bytes()
    assert random_key != TYPED_KEY.encode() and len(random_key) == 64

    caplog.clear()
    await bot.start()
    assert "not a random key" not in caplog.text
    await payer.send("/reminders")
    menu = await payer.reply()
    assert menu.text.startswith("⏰ <b>Reminders</b>") and "monthly payment (day 11)" in menu.text, "kept, in English"
    clock.set(datetime(2027, 1, 11, 5, 0, tzinfo=UTC))
    assert (await payer.reply(within=5)).text.startswith("⏰ <b>Your reminder for 11.01.2027</b>"), "and delivered"
    await reader.send("/start")
    assert "✅ Русский" in (await reader.reply()).labels(), "asked again (the phone's language preselected)"
    await bot.stop()
    typed = Pseudonymizer(TYPED_KEY.encode())
    old_keys = {typed.user_key(user) for user in (7100, 7101, 7102)}
    for table in ("user_settings", "reminders", "reminder_chats", "events", "fsm_state"):
        keys = {row[0] for row in await stored(settings, f"SELECT user_key FROM {table}")}
        assert not keys & old_keys, table
    assert await stored(settings, "SELECT fingerprint FROM key_fingerprints WHERE name = 'pseudonym'") == [
        (fingerprint(random_key),)
    ]
