"""Polling mode (the single-process default): long-poll Telegram until SIGINT/SIGTERM."""

import logging
from contextlib import AsyncExitStack

from aiogram.methods import GetUpdates

from bot.config import Settings
from bot.middlewares.in_flight import let_updates_finish
from bot.runtime.app import Application, application, settle_memory
from bot.runtime.command_menu import register_commands
from bot.runtime.periodic_jobs import reminder_jobs
from bot.runtime.polling_conflicts import PollingConflicts
from bot.runtime.single_poller import LOST, polling_leadership
from bot.runtime.startup_checks import StartupError, check_bot_api, check_counsellors_group

log = logging.getLogger(__name__)


async def poll(app: Application, *, handle_signals: bool = True, polling_timeout: int = 10) -> None:
    """Long polling until stopped (SIGINT/SIGTERM, or `dispatcher.stop_polling()`)."""
    await check_bot_api(app.bot, app.settings.bot_api_base_url)
    if app.settings.counsellors_chat_id is not None:
        await check_counsellors_group(app.bot, app.settings.counsellors_chat_id)
    conflicts = PollingConflicts(app.dispatcher.stop_polling)
    app.bot.session.middleware(conflicts)
    database_url = app.settings.database_url.get_secret_value() if app.settings.database_url else None
    async with AsyncExitStack() as stack:
        # First of all: a second process stops here, before it touches the webhook or the commands.
        leadership = await stack.enter_async_context(
            polling_leadership(app.shared, database_url, app.bot.id, app.dispatcher.stop_polling)
        )
        await app.bot.delete_webhook(drop_pending_updates=False)
        await register_commands(app.bot, app.i18n, app.settings.staff.ids)
        settle_memory(GetUpdates)  # each turn's answer is read with its model
        log.info("Safar is running (long polling)")
        if app.settings.metrics_port is not None:
            # Loaded only here: its HTTP server and Prometheus' exposition are megabytes a
            # default setup never uses (tests/test_default_setup_imports.py).
            from bot.observability.liveness import Monitor, monitoring_server

            # Healthy while a getUpdates returned within two long-poll timeouts.
            monitor = Monitor(
                app.database,
                app.stores.broadcasts,
                app.settings.db_path,
                app.heartbeat,
                2.0 * polling_timeout,
                gauges=app.gauges(),
            )
            await stack.enter_async_context(
                monitoring_server(monitor, app.settings.metrics_host, app.settings.metrics_port)
            )
        await stack.enter_async_context(reminder_jobs(app))
        await app.dispatcher.start_polling(
            app.bot,
            handle_signals=handle_signals,
            close_bot_session=False,
            polling_timeout=polling_timeout,
            # A slot taken before each update starts: with none free, polling stops fetching. One that
            # waits behind its chat's update gives its slot back at once (bot/middlewares/chat_queues.py).
            tasks_concurrency_limit=app.settings.max_updates_in_flight,
        )
        await let_updates_finish(app.dispatcher)
        await app.dispatcher.confirm_handled(app.bot)  # the next start does not handle them again
    if conflicts.reason is not None:
        raise StartupError(conflicts.reason)
    if leadership.lost:
        raise StartupError(LOST.format(store="Redis" if app.shared else "PostgreSQL"))


async def run_polling(settings: Settings) -> None:
    async with application(settings) as app:
        await poll(app)
