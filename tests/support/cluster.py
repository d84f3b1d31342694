"""Several `python -m bot` processes as an operator runs them behind a load balancer: a small
round-robin proxy on loopback in front of the web workers, and a pool of processes that can be
killed with SIGKILL and started again. Used by tests/test_cluster.py and scripts/bench_scale.py."""

import asyncio
import itertools
import json
import signal
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from tests.support.processes import environment
from tests.support.waiting import eventually  # noqa: F401 (other branches import it from here)
from tests.support.zygote import BotProcess, start_bot

WEBHOOK_PATH = "/telegram/webhook"


class RoundRobinProxy:
    """The load balancer: each webhook call goes to the next worker in turn. A worker that refuses
    the connection (down, or not started yet) is skipped, as nginx's `proxy_next_upstream` does;
    one that dies with the call under way gets Telegram a 502, and Telegram tries again later."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self._turn = itertools.count()
        self.answered_by: dict[int, int] = {}
        """update_id → the port of the worker that answered it 200."""
        self.open_calls: Counter[int] = Counter()
        """Calls under way per worker port."""
        self.failed_calls: Counter[int] = Counter()
        """Calls per worker port that ended without an answer (the worker died with them)."""
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._http is not None
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        for _ in range(len(self.backends)):
            port = self.backends[next(self._turn) % len(self.backends)]
            self.open_calls[port] += 1
            try:
                async with self._http.request(
                    request.method, f"http://127.0.0.1:{port}{request.path_qs}", data=body, headers=headers
                ) as response:
                    answer = await response.read()
                    if response.status == 200 and request.path == WEBHOOK_PATH:
                        self.answered_by[int(json.loads(body)["update_id"])] = port
                    return web.Response(body=answer, status=response.status, content_type=response.content_type)
            except aiohttp.ClientConnectorError:
                continue  # nobody listening there: the next worker
            except aiohttp.ClientError:
                self.failed_calls[port] += 1
                return web.Response(status=502, text="the worker went away")
            finally:
                self.open_calls[port] -= 1
        return web.Response(status=502, text="no worker answers")


@dataclass
class Member:
    name: str
    settings: dict[str, str]
    process: BotProcess | asyncio.subprocess.Process | None = None
    log: Path | None = None
    starts: int = 0


@dataclass
class Pool:
    """Named bot processes, each with its own settings and a log file per start."""

    folder: Path
    members: dict[str, Member] = field(default_factory=dict)

    def add(self, name: str, **settings: str) -> None:
        self.members[name] = Member(name, settings)

    async def start(self, name: str) -> None:
        member = self.members[name]
        member.starts += 1
        member.log = self.folder / f"{name}.{member.starts}.log"
        workdir = self.folder / name
        workdir.mkdir(parents=True, exist_ok=True)
        with member.log.open("wb") as log:
            member.process = await start_bot(
                [], cwd=workdir, env=environment(self.folder, **member.settings),
                stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )  # fmt: skip

    async def start_all(self) -> None:
        for name in self.members:
            await self.start(name)

    async def kill(self, name: str) -> None:
        """SIGKILL: no handler runs, nothing is flushed or released."""
        process = self.members[name].process
        assert process is not None and process.returncode is None, f"{name} is not running"
        process.kill()
        await process.wait()

    async def stop_all(self) -> dict[str, int | None]:
        """SIGTERM to every process still running; their exit statuses."""
        running = [m.process for m in self.members.values() if m.process and m.process.returncode is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()
        return {name: m.process.returncode if m.process else None for name, m in self.members.items()}

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.folder.glob("*.log")))
