"""DATABASE_URL as an operator meets it: PostgreSQL or nothing, a password that never shows, and
the SQLite-only commands (backup, restore) saying what to use instead."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.config import Settings
from bot.storage.backends.postgres import safe_url
from tests.support.fake_telegram import TOKEN
from tests.support.postgres_server import PostgresServer
from tests.support.processes import free_port, run_to_end

URL = "postgresql://safar:s3cret-pass@db.internal:5432/safar"


def test_a_database_url_that_is_not_postgresql_is_refused_with_what_to_do() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, database_url="mysql://root@localhost/safar")  # type: ignore[call-arg]
    assert "must start with postgresql:// (got mysql://); unset it to use DB_PATH" in str(refused.value)
    assert Settings(_env_file=None, database_url="").database_url is None  # type: ignore[call-arg]


def test_the_password_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.database_target == URL
    assert "s3cret-pass" not in repr(settings) and "s3cret-pass" not in str(settings.model_dump())
    assert safe_url(URL) == "postgresql+asyncpg://safar:***@db.internal:5432/safar"


@pytest.mark.parametrize("command", [["backup", "copy.sqlite3"], ["restore", "copy.sqlite3"]])
def test_backup_and_restore_point_a_postgresql_operator_to_pg_dump(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "copy.sqlite3").write_bytes(b"")
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("DB_PATH", str(tmp_path / "data" / "safar.sqlite3"))
    assert main(command) == 2
    message = capsys.readouterr().err
    assert message.count("\n") == 1 and "DATABASE_URL points at PostgreSQL" in message
    assert ("pg_dump" if command[0] == "backup" else "pg_restore") in message
    assert "s3cret-pass" not in message
    assert not (tmp_path / "data").exists(), "nothing was written"


async def test_a_postgresql_that_cannot_be_reached_stops_the_start_with_one_line(
    tmp_path: Path, postgres_server: PostgresServer
) -> None:
    unreachable = f"postgresql://safar:s3cret-pass@127.0.0.1:{free_port()}/safar"
    missing = postgres_server.url("no_such_database")
    for url, reason in ((unreachable, "Connect call failed"), (missing, 'database "no_such_database" does not exist')):
        code, stderr = await run_to_end(
            tmp_path, BOT_TOKEN=TOKEN, BOT_API_BASE_URL="http://127.0.0.1:9", DATABASE_URL=url
        )
        assert code == 2 and stderr.count("\n") == 1, stderr
        assert stderr.startswith("safar: cannot use PostgreSQL at postgresql+asyncpg://") and reason in stderr
        assert "s3cret-pass" not in stderr
