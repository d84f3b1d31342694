"""An operator backs up while people use the bot, keeps the keys apart, and restores on a fresh
machine: the restored bot knows its users. A restore never lands under a running bot, and a
damaged backup is refused before anything is replaced."""

import asyncio
import json
import os
import resource
import sqlite3
import stat
import sys
from pathlib import Path

from pydantic import SecretStr

from bot.config import Settings
from bot.storage.backends.sqlite import open_database
from bot.storage.backends.sqlite_backup import backup_database
from tests.support.fake_telegram import TOKEN, FakeTelegram, FakeUser
from tests.support.journeys import start_in
from tests.support.processes import environment
from tests.support.running import RunningBot
from tests.support.waiting import eventually
from tests.support.zygote import start_bot

USERS = [(7101 + n, "ru") for n in range(6)]


async def safar(*arguments: str, db_path: Path, key_dir: Path) -> tuple[int, str, str]:
    process = await start_bot(
        arguments, cwd=next(p for p in db_path.parents if p.exists()),
        env=environment(key_dir.parent, DB_PATH=str(db_path), KEY_DIR=str(key_dir)),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return int(process.returncode or 0), out.decode(), err.decode()


async def keep_tapping(user: FakeUser, stop: asyncio.Event) -> int:
    """A user moving between the menu and the topics as fast as the bot answers."""
    rounds = 0
    while not stop.is_set():
        await user.send("/menu")
        await user.reply(within=30)
        rounds += 1
    return rounds


def fill_history(db_path: Path, rows: int) -> None:
    """Months of engagement events, so the copy takes many steps."""
    with sqlite3.connect(db_path) as connection:
        connection.executemany(
            "INSERT INTO events (hour, user_key, name, detail) VALUES (?, ?, 'lesson_opened', 'recruitment')",
            ((f"2026-11-{1 + n % 28:02d}T{n % 24:02d}", f"{n:032x}") for n in range(rows)),
        )


async def test_backup_under_load_then_restore_into_a_fresh_directory(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings, tmp_path: Path
) -> None:
    keys_in_use = settings.key_dir
    assert keys_in_use is not None
    users = [telegram.user(user_id, language) for user_id, language in USERS]
    menus = [await start_in(user, "Oʻzbekcha") for user in users]  # phones say Russian, they chose Uzbek
    fill_history(settings.db_path, 60_000)
    stop = asyncio.Event()
    sent_before = len(telegram.delivered)
    load = [asyncio.create_task(keep_tapping(user, stop)) for user in users]
    await eventually(lambda: len(telegram.delivered) > sent_before + len(users), what="the taps under way")
    code, out, err = await safar(
        "backup", str(tmp_path / "safar-backup.sqlite3"), db_path=settings.db_path, key_dir=keys_in_use
    )
    assert code == 0, err
    assert err.count("\r") > 3 and err.rstrip().endswith("100%"), "a progress bar that reaches the end"
    assert "integrity checked" in out
    code, out, err = await safar(
        "backup", "--keys", str(tmp_path / "safar-keys.json"), db_path=settings.db_path, key_dir=keys_in_use
    )
    assert code == 0, err
    assert "WARNING: Store this key file apart from the database backups" in err
    stop.set()
    assert all(rounds > 0 for rounds in await asyncio.gather(*load)), "users were served during the backup"
    for name in ("safar-backup.sqlite3", "safar-keys.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600

    # Restoring under the running bot is refused, and nothing is touched.
    code, _, err = await safar(
        "restore", str(tmp_path / "safar-backup.sqlite3"), db_path=settings.db_path, key_dir=keys_in_use
    )
    assert code == 2 and "a running Safar is using" in err, err
    await bot.stop()

    fresh = tmp_path / "fresh" / "data" / "safar.sqlite3"
    fresh_keys = tmp_path / "fresh" / "keys"
    code, out, err = await safar(
        "restore", str(tmp_path / "safar-backup.sqlite3"), "--keys", str(tmp_path / "safar-keys.json"),
        db_path=fresh, key_dir=fresh_keys,
    )  # fmt: skip
    assert code == 0, err
    for name in ("pseudonym", "delivery"):  # both keys travel, into the fresh machine's KEY_DIR
        assert f"key restored: {name}_key: {fresh_keys / f'{name}.key'}" in out
        assert (fresh_keys / f"{name}.key").read_bytes() == (keys_in_use / f"{name}.key").read_bytes()
        assert stat.S_IMODE((fresh_keys / f"{name}.key").stat().st_mode) == 0o600
    with sqlite3.connect(fresh) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("SELECT COUNT(*) FROM events").fetchone()[0] >= 60_000

    restored = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(TOKEN), bot_api_base_url=telegram.base_url, db_path=fresh, key_dir=fresh_keys,
        flood_updates_per_second=1000.0, flood_burst=1000,
    )  # fmt: skip
    again = RunningBot(restored)
    await again.start()
    try:
        for user, menu in zip(users, menus, strict=True):
            await user.send("/menu")
            assert (await user.reply()).text == menu.text, "the restored bot knows they chose Uzbek"
    finally:
        await again.stop()


async def test_a_damaged_backup_is_refused_and_the_database_kept(settings: Settings, tmp_path: Path) -> None:
    settings.db_path.parent.mkdir(parents=True)
    with sqlite3.connect(settings.db_path) as connection:
        connection.execute("CREATE TABLE kept (x)")
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)
    code, _, err = await safar("restore", str(damaged), db_path=settings.db_path, key_dir=tmp_path / "keys")
    assert code == 2 and "damaged.sqlite3" in err and "Traceback" not in err, err
    with sqlite3.connect(settings.db_path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("kept",)]


async def test_keys_that_cannot_be_put_back_stop_the_restore_before_it_starts(
    settings: Settings, tmp_path: Path
) -> None:
    backup = tmp_path / "sound.sqlite3"
    await (await open_database(backup)).close()
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"format": "safar-keys", "version": 1, "keys": {"pseudonym_key": "a" * 64}}))
    settings.db_path.parent.mkdir(parents=True)
    with sqlite3.connect(settings.db_path) as connection:
        connection.execute("CREATE TABLE kept (x)")
    process = await start_bot(
        ["restore", str(backup), "--keys", str(keys)], cwd=tmp_path,
        env=environment(tmp_path, DB_PATH=str(settings.db_path), PSEUDONYM_KEY="b" * 64), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2
    assert err.decode().strip() == "safar: PSEUDONYM_KEY is set to another key: set it to the backed-up one instead"
    with sqlite3.connect(settings.db_path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master").fetchall() == [("kept",)]


async def a_database_of_some_megabytes(db_path: Path) -> None:
    await (await open_database(db_path)).close()
    fill_history(db_path, 40_000)


async def test_the_copy_is_its_owners_only_from_its_first_page(tmp_path: Path) -> None:
    """The partial file was created with the umask's mode (0644: anyone on the machine could read
    the copy while it was made) and narrowed to 0600 only at the end."""
    database, target = tmp_path / "data" / "safar.sqlite3", tmp_path / "backups" / "safar.sqlite3"
    await a_database_of_some_megabytes(database)
    target.parent.mkdir()
    modes: set[int] = set()

    def watch(done: int, total: int) -> None:
        modes.add(stat.S_IMODE((target.parent / f".{target.name}.partial").stat().st_mode))

    previous = os.umask(0o022)  # as a typical shell has it
    try:
        backup_database(database, target, watch)
    finally:
        os.umask(previous)
    assert modes == {0o600}
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def test_a_backup_that_fails_half_way_says_so_in_one_line_and_leaves_nothing_behind(tmp_path: Path) -> None:
    """The disk fills up during the copy (a file size limit stands in for it here): the operator got
    a traceback, and a partial copy of everything stayed on the disk."""
    database, target = tmp_path / "data" / "safar.sqlite3", tmp_path / "backups" / "safar.sqlite3"
    await a_database_of_some_megabytes(database)
    target.parent.mkdir()

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, resource.RLIM_INFINITY))

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "backup", str(target), cwd=tmp_path, preexec_fn=small_disk,
        env=environment(tmp_path, DB_PATH=str(database)), stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), 120)
    said = err.decode().splitlines()[-1]  # the line after the progress bar
    assert process.returncode == 2, err
    assert said.startswith(f"safar: the copy to {target} failed (") and said.endswith("); nothing was left behind")
    assert "Traceback" not in err.decode()
    assert list(target.parent.iterdir()) == []
