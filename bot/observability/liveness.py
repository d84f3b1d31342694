"""`/healthz` and `/metrics` over HTTP: on the webhook server, or on a small listener of their own
in polling mode when METRICS_PORT is set.

Healthy means the database answers and updates can arrive: in polling mode a `getUpdates` call
returned within the last two long-poll timeouts; in webhook mode the server answering this very
request is the proof (a quiet night with no updates is not an outage).
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from bot.observability.metrics import BROADCAST_RECIPIENTS, DATABASE_BYTES, start_counting
from bot.storage.backends.sqlite import Database
from bot.storage.stores.broadcasts import BroadcastStore
from bot.transport.observed import Heartbeat

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
DATABASE_ANSWER_SECONDS = 5.0
RECIPIENT_STATES = ("pending", "claimed", "sent", "failed")


@dataclass
class Monitor:
    database: Database
    broadcasts: BroadcastStore
    db_path: Path
    heartbeat: Heartbeat | None
    """None in webhook mode, where no update loop runs."""
    max_silence_seconds: float = 20.0
    gauges: Sequence[Callable[[], Awaitable[None]]] = ()
    """More gauges read from the database when scraped (the counsellors' desk's figures)."""

    def __post_init__(self) -> None:
        start_counting()  # made before the first update: what /metrics shows is counted from the start

    async def problem(self) -> str | None:
        """Why the bot is not healthy, or None when it is."""
        try:
            await asyncio.wait_for(self.database.fetchone("SELECT 1"), DATABASE_ANSWER_SECONDS)
        except Exception as error:  # whatever the reason, an unanswering database is the finding
            log.warning("health check: the database does not answer (%s)", type(error).__name__)
            return "the database does not answer"
        if self.heartbeat is not None and self.heartbeat.age() > self.max_silence_seconds:
            return f"no getUpdates returned for {self.heartbeat.age():.0f} s"
        return None

    async def refresh_gauges(self) -> None:
        """What a scrape reads from the database: its size, the progress of running broadcasts, `gauges`."""
        asked = self.database.dialect.database_size
        if asked is None:
            DATABASE_BYTES.set(sum(p.stat().st_size for p in (self.db_path, Path(f"{self.db_path}-wal")) if p.exists()))
        else:
            row = await self.database.fetchone(asked)
            DATABASE_BYTES.set(int(row[0]) if row else 0)
        by_state = await self.broadcasts.running_recipients()
        for state in RECIPIENT_STATES:
            BROADCAST_RECIPIENTS.labels(state).set(by_state.get(state, 0))
        for refresh in self.gauges:
            await refresh()


def add_routes(web_app: web.Application, monitor: Monitor) -> None:
    async def health(request: web.Request) -> web.Response:
        problem = await monitor.problem()
        if problem is None:
            return web.Response(text="ok\n")
        return web.Response(status=503, text=f"unhealthy: {problem}\n")

    async def metrics(request: web.Request) -> web.Response:
        await monitor.refresh_gauges()
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    web_app.router.add_get(HEALTH_PATH, health)
    web_app.router.add_get(METRICS_PATH, metrics)


@asynccontextmanager
async def monitoring_server(monitor: Monitor, host: str, port: int) -> AsyncIterator[None]:
    """The small listener of polling mode, for the health check and Prometheus."""
    web_app = web.Application()
    add_routes(web_app, monitor)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health check and metrics on http://%s:%d%s and %s", host, port, HEALTH_PATH, METRICS_PATH)
    try:
        yield
    finally:
        await runner.cleanup()
