"""The keys as operators hand them over: files only their owner can read, a pseudonym key of 32
random bytes, and one line, never a traceback, when a key is missing or cannot be written.

Each start goes through `application()`, the start `python -m bot` makes, in the test's process;
a refused start is what the command prints for it ("safar: " and the KeyProblem). The last test runs
the command itself, for what only a process shows: the exit status and the single line."""

import logging
import os
import secrets
import sqlite3
import struct
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.privacy.secret_keys import KeyProblem, fingerprint
from bot.runtime.app import application
from tests.support.fake_telegram import TOKEN, FakeTelegram, FakeUser
from tests.support.processes import refused
from tests.support.running import RunningBot

TYPED = "correct horse battery staple"


def key_file(directory: Path, name: str, text: str | None = None, mode: int = 0o600) -> Path:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{name}.key"
    path.write_text((text or secrets.token_hex(32)) + "\n")
    path.chmod(mode)
    return path


def one_line(stderr: str) -> str:
    """The one line saying why the start stopped (after the log lines of the start so far)."""
    said = [line for line in stderr.splitlines() if line.startswith("safar:")]
    assert "Traceback" not in stderr and len(said) == 1 and stderr.endswith(said[0] + "\n"), stderr
    return said[0]


async def refusal(settings: Settings) -> str:
    """The line `python -m bot` prints for a start these settings refuse over a key (bot/cli: "safar: "
    and the KeyProblem's words)."""
    with pytest.raises(KeyProblem) as refused_start:
        async with application(settings):
            pass
    return f"safar: {refused_start.value}"


def credentials_settings(settings: Settings, credentials: Path) -> Settings:
    """As the bot reads them under systemd or in the container: the token and keys as files in
    CREDENTIALS_DIRECTORY, no KEY_DIR."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        _secrets_dir=credentials,  # type: ignore[call-arg]
        credentials_directory=credentials,
        bot_api_base_url=settings.bot_api_base_url,
        db_path=settings.db_path,
        flood_updates_per_second=settings.flood_updates_per_second,
        flood_burst=settings.flood_burst,
    )


async def answers(settings: Settings, telegram: FakeTelegram, user_id: int = 501) -> FakeUser:
    """The bot starts with these settings, and a person chooses their language."""
    bot = RunningBot(settings)
    await bot.start()
    try:
        user = telegram.user(user_id=user_id, language_code="en")
        await user.send("/start")
        await user.press(await user.reply(), "English")
        assert (await user.reply()).text
    finally:
        await bot.stop()
    return user


def access_acl(*entries: tuple[int, int, int]) -> bytes:
    """A POSIX access ACL as the kernel stores it (what setfacl writes)."""
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)


ACL_XATTR = "system.posix_acl_access"
NOBODY = 0xFFFFFFFF
USER_OBJ, USER, GROUP_OBJ, MASK, OTHER = 0x01, 0x02, 0x04, 0x10, 0x20


@pytest.mark.parametrize("mode", [0o640, 0o604])
async def test_a_key_file_others_can_read_is_refused_with_the_command_that_fixes_it(
    tmp_path: Path, settings: Settings, mode: int
) -> None:
    path = key_file(tmp_path / "keys", "pseudonym", mode=mode)
    assert await refusal(settings) == (
        f"safar: the pseudonym key file {path} can be read by its group or others (mode {mode:04o}): "
        f"make it its owner's only with chmod 600 {path}"
    )


async def test_a_credential_readable_through_an_acl_is_refused_and_systemds_own_is_accepted(
    tmp_path: Path, telegram: FakeTelegram, settings: Settings
) -> None:
    """systemd hands a DynamicUser service its credentials as root's files, mode 0440 shown, with an
    ACL entry for the service's user only: that is private. An ACL entry for anyone else is not."""
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "bot_token").write_text(TOKEN)
    key_file(credentials, "pseudonym")
    delivery = key_file(credentials, "delivery")
    someone_else = os.geteuid() + 1
    os.setxattr(delivery, ACL_XATTR, access_acl((USER_OBJ, 4, NOBODY), (USER, 4, someone_else),
                                                (GROUP_OBJ, 0, NOBODY), (MASK, 4, NOBODY), (OTHER, 0, NOBODY)))  # fmt: skip
    handed_over = credentials_settings(settings, credentials)
    assert await refusal(handed_over) == (
        f"safar: the delivery key file {delivery} can be read by other users (an ACL allows it): "
        f"make it its owner's only with setfacl -b {delivery} && chmod 600 {delivery}"
    )

    os.setxattr(delivery, ACL_XATTR, access_acl((USER_OBJ, 4, NOBODY), (USER, 4, os.geteuid()),
                                                (GROUP_OBJ, 0, NOBODY), (MASK, 4, NOBODY), (OTHER, 0, NOBODY)))  # fmt: skip
    assert oct(delivery.stat().st_mode & 0o777) == "0o440", "the mask shows in the group bits"
    await answers(handed_over, telegram)


async def test_a_typed_pseudonym_key_is_refused_for_a_new_database(
    tmp_path: Path, telegram: FakeTelegram, settings: Settings
) -> None:
    assert await refusal(settings.model_copy(update={"pseudonym_key": SecretStr(TYPED)})) == (
        "safar: PSEUDONYM_KEY is not a random key: its fingerprint in the database lets anyone with a copy of "
        "data/ alone try guesses and then link the stored rows to Telegram accounts; use 32 random bytes in hex "
        "or base64, made with: openssl rand -hex 32"
    )
    path = key_file(tmp_path / "keys", "pseudonym", "0123456789abcdef" * 4)  # hex, but a pattern
    assert (await refusal(settings)).startswith(f"safar: the pseudonym key in {path} is not a random key")
    database = tmp_path / "data" / "safar.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM key_fingerprints").fetchone() == (0,), "nothing recorded"

    for number, random_key in enumerate((secrets.token_hex(32), secrets.token_urlsafe(32),
                                         secrets.token_bytes(32).hex().upper())):  # fmt: skip
        key_file(tmp_path / "keys", "pseudonym", random_key)
        await answers(settings.model_copy(update={"db_path": tmp_path / f"data{number}" / "safar.sqlite3"}),
                      telegram, 601 + number)  # fmt: skip


async def test_a_typed_pseudonym_key_already_in_use_is_warned_about_at_every_start(
    telegram: FakeTelegram, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """An earlier version accepted it and its users are keyed with it: the bot keeps serving them,
    and every start says loudly that the key must be replaced and where to read how."""
    await answers(settings, telegram)  # the database, keyed with a random key, now holds a person's language
    with sqlite3.connect(settings.db_path) as connection:  # as a version that accepted a typed key left it
        connection.execute(
            "UPDATE key_fingerprints SET fingerprint = ? WHERE name = 'pseudonym'", (fingerprint(TYPED.encode()),)
        )
    typed = settings.model_copy(update={"pseudonym_key": SecretStr(TYPED)})
    for start in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            await answers(typed, telegram, 502 + start)
        warnings = [record.getMessage() for record in caplog.records if "not a random key" in record.getMessage()]
        assert len(warnings) == 1 and "SECURITY: PSEUDONYM_KEY is not a random key" in warnings[0], warnings
        assert "safar keys rekey (docs/privacy.md, 'Re-keying')" in warnings[0]


@pytest.mark.parametrize("where", ["container", "systemd"])
async def test_a_key_missing_from_the_credentials_ends_in_one_line(
    tmp_path: Path, settings: Settings, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the container the home directory is writable but lost with the container; under systemd
    (DynamicUser, ProtectSystem=strict) it cannot be written at all. Neither is where a key may be
    made: the key must be put with the others."""
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "bot_token").write_text(TOKEN)
    key_file(credentials, "delivery")
    home = tmp_path / "home"
    if where == "container":
        home.mkdir()
    else:
        home.write_text("not a directory: nothing can be created under it")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", "")
    assert await refusal(credentials_settings(settings, credentials)) == (
        f"safar: the pseudonym key is missing: keys are handed over in CREDENTIALS_DIRECTORY ({credentials}), "
        "so put it there as pseudonym.key, made with: openssl rand -hex 32 (docs/operations.md)"
    )
    assert not (home / ".config").exists(), "no key was made where it would be lost"


async def test_a_key_directory_that_cannot_be_written_ends_in_one_line(tmp_path: Path, telegram: FakeTelegram) -> None:
    """`python -m bot` itself: a key problem ends the process with status 2 and one line, no traceback."""
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the key directory should be")
    code, stderr = await refused(
        tmp_path, BOT_TOKEN=TOKEN, BOT_API_BASE_URL=telegram.base_url, KEY_DIR=str(blocked / "keys")
    )
    assert code == 2
    assert one_line(stderr) == (
        f"safar: no pseudonym key is set and none can be written to {blocked / 'keys'} (Not a directory): "
        "set KEY_DIR to a directory Safar may write, or create the key there with: openssl rand -hex 32"
    )
