"""PostgreSQL for the tests: a real server from the `pgserver` wheel (PostgreSQL's binaries in a
pip package; as root it runs them as its own system user, since initdb refuses root), started
once per pytest worker, and a fresh database for each test, copied from a migrated template.

Tests that run on both backends are marked `both_backends`: they run once with the SQLite file
(`database_url` is None) and once with PostgreSQL. Where the server cannot start, the PostgreSQL
runs skip and say why; on CI (CI=true) a skip fails the run (tests/conftest.py).
"""

import asyncio
import contextlib
import itertools
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "safar_template"


class PostgresServer:
    """One running server; `fresh_database()` gives the URL of a new database with Safar's schema."""

    def __init__(self, server: Any, folder: Path) -> None:
        self._server = server
        self.folder = folder
        self._numbers = itertools.count(1)
        self._ready: queue.Queue[str] = queue.Queue(maxsize=2)
        self._copying: threading.Thread | None = None
        self._stopped = threading.Event()

    def url(self, database: str) -> str:
        return str(self._server.get_uri(database))

    def psql(self, command: str) -> str:
        return str(self._server.psql(command))

    def empty_database(self) -> str:
        name = f"safar_{next(self._numbers)}"
        self.psql(f"CREATE DATABASE {name};")
        return self.url(name)

    def fresh_database(self) -> str:
        """A copy of the migrated template. Copying takes a quarter of a second (its files are copied
        whole): the next two are made ahead, in a thread, while the tests run."""
        if self._copying is None:
            self._copying = threading.Thread(target=self._copy_ahead, daemon=True)
            self._copying.start()
        return self.url(self._ready.get(timeout=120))

    def _copy_ahead(self) -> None:
        while not self._stopped.is_set():
            name = f"safar_{next(self._numbers)}"
            try:
                self.psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE};")
            except Exception:  # a test restarting the server: try again in a moment
                self._stopped.wait(0.2)
                continue
            self._ready.put(name)

    def stop(self) -> None:
        """Stop at once: the files are deleted next, so the shutdown checkpoint that a normal stop
        writes (seconds, with hundreds of tests' databases behind it) would be thrown away."""
        import pgserver

        self._stopped.set()
        with contextlib.suppress(Exception):  # already stopped: the cleanup below finds out
            pgserver.pg_ctl(["-w", "-m", "immediate", "stop"], self._server.pgdata, user=self._server.system_user)
        self._server.cleanup()
        # Gigabytes of copied databases: removed beside the run's end rather than before it.
        subprocess.Popen(["rm", "-rf", str(self.folder)], start_new_session=True)

    def without_durability(self) -> None:
        """No flush to disk at each commit: what tests check is what the bot wrote and read, never
        whether the machine survives a power cut, and fsyncs are most of a commit's time here."""
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            self.psql(f"ALTER SYSTEM SET {setting} = off;")
        self.psql("SELECT pg_reload_conf();")


def _start(template: bool = True) -> PostgresServer:
    import pgserver

    from bot.storage.backends.postgres import open_postgres

    # Its own folder under /tmp (pgserver opens the path to its system user; a short path also
    # keeps the unix socket's name under the 107-byte limit).
    folder = Path(tempfile.mkdtemp(prefix="safar-pg-"))
    try:
        server = PostgresServer(pgserver.get_server(folder, cleanup_mode="stop"), folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not template:
        return server  # a test that reads the server's files gets it as configured by default
    server.without_durability()
    server.psql(f"CREATE DATABASE {TEMPLATE};")

    async def migrate_template() -> None:
        database = await open_postgres(server.url(TEMPLATE))
        await database.close()

    asyncio.run(migrate_template())
    return server


def _cannot_start(error: Exception) -> str:
    return f"PostgreSQL from the pgserver package did not start here ({type(error).__name__}: {error})"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = _start()
    except Exception as error:  # any reason: the message says which
        pytest.skip(_cannot_start(error))
    yield server
    server.stop()


@contextmanager
def private_postgres_server() -> Iterator[PostgresServer]:
    """A server of its own, for a test that looks at every file the server wrote."""
    try:
        server = _start(template=False)
    except Exception as error:
        pytest.skip(_cannot_start(error))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A new database with Safar's schema, for this test alone."""
    return postgres_server.fresh_database()


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (SQLite at DB_PATH), unless the test runs on PostgreSQL (`both_backends`)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return None
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.fresh_database()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_backends` run once per backend."""
    if metafunc.definition.get_closest_marker("both_backends") and "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True)
