"""Counting proxies for the scale benchmark (scripts/bench_scale.py): a unix socket in front of
Redis's and one in front of PostgreSQL's, which pass every byte on and count what the bot asks.

Counting on the wire instead of inside the bot measures what the servers really see, whatever
client library or layer produced it (SQLAlchemy, asyncpg, redis-py's pipelines and scripts), and
needs no hook in the bot's code. They cost the driver's CPU, so the benchmark counts in a pass of
its own, never in the timed one.

- Redis: a round trip is each time a client writes after the server last wrote to it (redis-py
  sends a pipeline or a command, then waits for the answer).
- PostgreSQL: the frontend messages are read by type (the protocol's message framing): a round
  trip ends at each Sync or simple Query (each is answered with ReadyForQuery), a statement run is
  an Execute or a simple Query, a statement parsed is a Parse (so a statement cache shows as
  statements run without being parsed again).
- Waiting: on either, the time from a client's request (its first bytes after the server last
  spoke) to the server's first bytes back, summed over every connection ("waited", in seconds):
  what the bot's updates spent waiting for that server, this proxy's own turn included.
"""

import asyncio
import contextlib
import struct
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

_UNTYPED_REQUESTS = {80877103, 80877104, 80877102}
"""SSLRequest, GSSENCRequest, CancelRequest: untyped messages that come before the startup message."""


class _PostgresReader:
    """Splits the client's byte stream into frontend messages and counts them by type."""

    def __init__(self, counts: Counter[str]) -> None:
        self._counts = counts
        self._pending = b""
        self._started = False

    def feed(self, data: bytes) -> None:
        self._pending += data
        while True:
            if not self._started:
                if len(self._pending) < 8:
                    return
                length, code = struct.unpack("!ii", self._pending[:8])
                if len(self._pending) < length:
                    return
                self._pending = self._pending[length:]
                self._started = code not in _UNTYPED_REQUESTS
                continue
            if len(self._pending) < 5:
                return
            kind, length = self._pending[:1], struct.unpack("!i", self._pending[1:5])[0]
            if len(self._pending) < 1 + length:
                return
            self._pending = self._pending[1 + length :]
            if kind == b"Q":
                self._counts["round trips"] += 1
                self._counts["statements"] += 1
            elif kind == b"S":
                self._counts["round trips"] += 1
            elif kind == b"E":
                self._counts["statements"] += 1
            elif kind == b"P":
                self._counts["parsed"] += 1


class CountingProxy:
    """Listens on `listen`, forwards each connection to the unix socket `target`, counts in `counts`."""

    def __init__(self, target: Path, listen: Path, postgres: bool) -> None:
        self.target, self.listen, self._postgres = target, listen, postgres
        self.counts: Counter[str] = Counter()
        self.waited = 0.0
        self._server: asyncio.AbstractServer | None = None
        self._pipes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_unix_server(self._serve, path=str(self.listen))

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for pipe in list(self._pipes):
            pipe.cancel()
        for pipe in list(self._pipes):
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await pipe

    async def _serve(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        self.counts["connections"] += 1
        server_in, server_out = await asyncio.open_unix_connection(str(self.target))
        turn = {"server_spoke": True}
        asked_at = [0.0]
        reader = _PostgresReader(self.counts) if self._postgres else None

        async def upstream() -> None:
            while data := await client_in.read(65536):
                if reader is not None:
                    reader.feed(data)
                elif turn["server_spoke"]:
                    self.counts["round trips"] += 1
                if turn["server_spoke"]:
                    asked_at[0] = time.perf_counter()
                turn["server_spoke"] = False
                server_out.write(data)
                await server_out.drain()
            server_out.close()

        async def downstream() -> None:
            while data := await server_in.read(65536):
                if not turn["server_spoke"]:
                    self.waited += time.perf_counter() - asked_at[0]
                turn["server_spoke"] = True
                client_out.write(data)
                await client_out.drain()
            client_out.close()

        pipes = [asyncio.ensure_future(upstream()), asyncio.ensure_future(downstream())]
        for pipe in pipes:
            self._pipes.add(pipe)
            pipe.add_done_callback(self._pipes.discard)
        with contextlib.suppress(OSError, asyncio.CancelledError):
            await asyncio.gather(*pipes)
        for writer in (server_out, client_out):
            writer.close()


class Wires:
    """Both proxies, with the URLs that lead the bot through them."""

    def __init__(self, folder: Path, redis_socket: Path, postgres_url: str) -> None:
        self._folder = folder
        query = urlsplit(postgres_url).query
        self._postgres_folder = Path(parse_qs(query)["host"][0])
        postgres_socket = next(self._postgres_folder.glob(".s.PGSQL.*"))
        self.redis = CountingProxy(redis_socket, folder / "redis.sock", postgres=False)
        self.postgres = CountingProxy(postgres_socket, folder / postgres_socket.name, postgres=True)

    @property
    def redis_url(self) -> str:
        return f"unix://{self.redis.listen}"

    def postgres_url(self, url: str) -> str:
        """`url` (a database on the server behind the proxy), led through it."""
        return url.replace(f"host={self._postgres_folder}", f"host={self._folder}")

    async def start(self) -> None:
        await self.redis.start()
        await self.postgres.start()

    async def stop(self) -> None:
        await self.redis.stop()
        await self.postgres.stop()

    def snapshot(self) -> dict[str, float]:
        return (
            {f"redis {name}": count for name, count in self.redis.counts.items()}
            | {f"sql {name}": count for name, count in self.postgres.counts.items()}
            | {"redis waited ms": 1000 * self.redis.waited, "sql waited ms": 1000 * self.postgres.waited}
        )
