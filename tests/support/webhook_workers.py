"""Several webhook workers behind a load balancer, in the test's event loop."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web

from bot.runtime.app import Application
from bot.runtime.webhook import WEBHOOK_PATH, webhook_application
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import free_port

SECRET = "s3cret-token"


class RoundRobin:
    """Telegram and a load balancer in one: every update the fake's users send is posted to the
    next worker's webhook in turn."""

    def __init__(self, telegram: FakeTelegram, ports: list[int]) -> None:
        self.telegram = telegram
        self.urls = [f"http://127.0.0.1:{port}{WEBHOOK_PATH}" for port in ports]
        self.turn = 0
        self.posted: list[tuple[int, int]] = []
        """(update_id, worker) of every post."""
        self.forwarded = 0
        self.answered = 0
        """Posts answered 200 (a worker answers once the update was handled)."""
        self._task: asyncio.Task[None] | None = None
        self._http: aiohttp.ClientSession | None = None

    async def post(self, update: dict[str, Any], worker: int) -> None:
        assert self._http is not None
        self.posted.append((update["update_id"], worker))
        async with self._http.post(
            self.urls[worker], json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        ) as response:
            assert response.status == 200
        self.answered += 1

    async def _forward(self) -> None:
        while True:
            async with self.telegram.new_updates:
                await self.telegram.new_updates.wait_for(lambda: len(self.telegram.updates) > self.forwarded)
                pending = self.telegram.updates[self.forwarded :]
                self.forwarded = len(self.telegram.updates)
            for update in pending:
                await self.post(update, self.turn)
                self.turn = (self.turn + 1) % len(self.urls)

    async def __aenter__(self) -> "RoundRobin":
        self._http = aiohttp.ClientSession()
        self.forwarded = len(self.telegram.updates)  # what came before went to other workers
        self._task = asyncio.create_task(self._forward())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None and self._http is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._http.close()


@contextlib.asynccontextmanager
async def serve(app: Application) -> AsyncIterator[int]:
    runner = web.AppRunner(webhook_application(app, SECRET))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield port
    finally:
        await runner.cleanup()
