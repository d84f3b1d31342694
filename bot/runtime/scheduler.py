"""SAFAR_ROLE=scheduler: the periodic jobs of the whole bot (reminders, broadcasts, roll-ups,
retention), with no webhook; /healthz and /metrics on METRICS_PORT so operators can watch it."""

import asyncio
import logging
import signal

from bot.config import Settings
from bot.observability.liveness import Monitor, monitoring_server
from bot.runtime.app import application, settle_memory
from bot.runtime.periodic_jobs import reminder_jobs
from bot.runtime.startup_checks import check_bot_api

log = logging.getLogger(__name__)


async def until_stopped() -> None:
    """Returns at SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def run_scheduler(settings: Settings) -> None:
    assert settings.metrics_port is not None
    async with application(settings) as app:
        await check_bot_api(app.bot, settings.bot_api_base_url)
        # No update loop runs here, so no heartbeat: healthy while the database answers.
        monitor = Monitor(app.database, app.stores.broadcasts, settings.db_path, heartbeat=None, gauges=app.gauges())
        async with monitoring_server(monitor, settings.metrics_host, settings.metrics_port), reminder_jobs(app):
            settle_memory()
            log.info("Safar is running its scheduled jobs (SAFAR_ROLE=scheduler)")
            await until_stopped()
