"""Polling mode (the single-process default): long-poll Telegram until SIGINT/SIGTERM."""

import logging

from bot.app import Application, application, settle_memory
from bot.commands import register_commands
from bot.config import Settings
from bot.jobs import reminder_jobs
from bot.startup import check_bot_api

log = logging.getLogger(__name__)


async def poll(app: Application, *, handle_signals: bool = True, polling_timeout: int = 10) -> None:
    """Long polling until stopped (SIGINT/SIGTERM, or `dispatcher.stop_polling()`)."""
    await check_bot_api(app.bot, app.settings.bot_api_base_url)
    await app.bot.delete_webhook(drop_pending_updates=False)
    await register_commands(app.bot, app.i18n, app.settings.staff.ids)
    settle_memory()
    log.info("Safar is running (long polling)")
    async with reminder_jobs(app):
        await app.dispatcher.start_polling(
            app.bot,
            handle_signals=handle_signals,
            close_bot_session=False,
            polling_timeout=polling_timeout,
            tasks_concurrency_limit=app.settings.max_updates_in_flight,
        )


async def run_polling(settings: Settings) -> None:
    async with application(settings) as app:
        await poll(app)
