"""The operators' commands: `safar healthcheck`, `safar backup [--keys] FILE`, `safar restore FILE`.

Each prints one clear line when it cannot do its job and exits with a non-zero status, as the
bot's own start-up does.
"""

import argparse
import sys
from pathlib import Path

from bot.config import Settings


def _fail(message: str) -> int:
    print(f"safar: {message}", file=sys.stderr)
    return 2


def run(command: str, settings: Settings, arguments: argparse.Namespace) -> int:
    return {"healthcheck": healthcheck, "backup": backup, "restore": restore}[command](settings, arguments)


def healthcheck(settings: Settings, arguments: argparse.Namespace) -> int:
    """Ask the running bot's /healthz (for Docker's HEALTHCHECK and monitoring): exit 0 when healthy."""
    import urllib.error
    import urllib.request

    if settings.webhook_url and settings.safar_role != "scheduler":
        host, port = settings.webhook_host, settings.webhook_port
    elif settings.metrics_port is not None:
        host, port = settings.metrics_host, settings.metrics_port
    else:
        return _fail("nothing to ask: the health check listens on WEBHOOK_PORT (webhook mode) or METRICS_PORT.")
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            print(response.read().decode().strip())
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode().strip() or f"HTTP {error.code}")
    except OSError as error:
        print(f"{url} does not answer: {getattr(error, 'reason', error)}")
    return 1


POSTGRESQL_BACKUP = (
    "DATABASE_URL points at PostgreSQL: back it up with PostgreSQL's own tools, e.g. "
    "pg_dump --format=custom --file=safar.dump DBNAME (safar backup copies only the SQLite file); "
    "the keys still come from: safar backup --keys FILE"
)
POSTGRESQL_RESTORE = (
    "DATABASE_URL points at PostgreSQL: stop every Safar process, then restore with PostgreSQL's own tools, "
    "e.g. pg_restore --clean --dbname=DBNAME safar.dump (safar restore writes only the SQLite file); "
    "put the keys back from their backup with the same pseudonym.key and delivery.key"
)


def backup(settings: Settings, arguments: argparse.Namespace) -> int:
    """`safar backup FILE` (the database, while the bot runs) or `safar backup --keys FILE`."""
    from bot.privacy.key_backup import STORE_APART, KeyBackupError, write_key_backup
    from bot.storage.backends.sqlite_backup import BackupError, backup_database

    target = Path(arguments.file)
    if settings.database_url is not None and not arguments.keys:
        return _fail(POSTGRESQL_BACKUP)
    if arguments.keys:
        try:
            names = write_key_backup(settings, target)
        except KeyBackupError as error:
            return _fail(str(error))
        print(f"{', '.join(names)} written to {target}.")
        print(f"WARNING: {STORE_APART}", file=sys.stderr)
        return 0

    shown = False

    def show(done: int, total: int) -> None:
        nonlocal shown
        shown = True
        width = 30
        filled = width * done // max(total, 1)
        print(f"\rbacking up [{'#' * filled}{'.' * (width - filled)}] {done * 100 // max(total, 1)}%", end="",
              file=sys.stderr, flush=True)  # fmt: skip

    try:
        size = backup_database(settings.db_path, target, show)
    except BackupError as error:
        if shown:
            print(file=sys.stderr)  # the progress bar's line ends before the reason
        return _fail(str(error))
    print(file=sys.stderr)
    print(f"{settings.db_path} copied to {target} ({size:,} bytes, integrity checked).")
    print("Back up the keys too, to a separate place: safar backup --keys FILE")
    return 0


def restore(settings: Settings, arguments: argparse.Namespace) -> int:
    """`safar restore FILE [--keys KEYFILE]`: never under a running bot, never an unsound file."""
    from bot.privacy.key_backup import KeyBackupError, install_keys, read_key_backup
    from bot.storage.backends.sqlite import DatabaseInUse
    from bot.storage.backends.sqlite_backup import BackupError, restore_database

    if settings.database_url is not None:
        return _fail(POSTGRESQL_RESTORE)
    try:
        keys = read_key_backup(settings, Path(arguments.keys)) if arguments.keys else {}
        moved = restore_database(Path(arguments.file), settings.db_path)
        places = install_keys(settings, keys)
    except (BackupError, DatabaseInUse, KeyBackupError) as error:
        return _fail(str(error))
    print(f"{arguments.file} restored to {settings.db_path}.")
    if moved is not None:
        print(f"The database it replaced was kept as {moved}.")
    for place in places:
        print(f"key restored: {place}")
    if not places:
        print("The keys must be the ones this database was written with (safar restore --keys KEYFILE).")
    return 0
