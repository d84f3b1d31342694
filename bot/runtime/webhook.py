"""Webhook mode: an aiohttp server takes Telegram's calls; requests without the secret token are refused."""

import logging

from aiogram.types import Update
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web

from bot.config import Settings
from bot.middlewares.in_flight import let_updates_finish
from bot.observability.liveness import Monitor, add_routes
from bot.runtime.app import Application, application, settle_memory
from bot.runtime.command_menu import register_commands
from bot.runtime.periodic_jobs import reminder_jobs
from bot.runtime.scheduler import until_stopped
from bot.runtime.startup_checks import check_bot_api, check_counsellors_group
from bot.transport.webhook_requests import GuardedRequestHandler

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"


def webhook_application(app: Application, secret: str) -> web.Application:
    """The aiohttp application that takes Telegram's calls at WEBHOOK_PATH."""
    web_app = web.Application()
    handler = GuardedRequestHandler(
        app.dispatcher,
        app.bot,
        secret_token=secret,
        handle_in_background=False,  # Telegram is answered after the update is handled
    )
    # The events an update recorded are written after Telegram's answer, every two seconds with
    # every other update's (runtime/periodic_jobs.py), as in one process: a clean stop writes
    # what waits; a killed worker loses the events of its last two seconds (docs/deploy.md).
    handler.register(web_app, path=WEBHOOK_PATH)
    setup_application(web_app, app.dispatcher, bot=app.bot)
    # /healthz and /metrics beside the webhook; a quiet night is not an outage, so no heartbeat here.
    monitor = Monitor(app.database, app.stores.broadcasts, app.settings.db_path, heartbeat=None, gauges=app.gauges())
    add_routes(web_app, monitor)
    return web_app


async def run_webhook(settings: Settings) -> None:
    """Serve Telegram's webhook calls; requests without the secret token are rejected."""
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    async with application(settings) as app:
        runner = web.AppRunner(webhook_application(app, secret))
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        await check_bot_api(app.bot, settings.bot_api_base_url)
        if settings.counsellors_chat_id is not None:
            await check_counsellors_group(app.bot, settings.counsellors_chat_id)
        await register_commands(app.bot, app.i18n, app.settings.staff.ids)
        await app.bot.set_webhook(settings.webhook_url.rstrip("/") + WEBHOOK_PATH, secret_token=secret)
        settle_memory(Update)  # each webhook call is read with it
        log.info("Safar is serving its webhook on %s:%d", settings.webhook_host, settings.webhook_port)
        async with reminder_jobs(app):  # a web worker's own jobs only; with SAFAR_ROLE=all, every job
            await until_stopped()
            await runner.cleanup()  # no new update; then those under way finish
            await let_updates_finish(app.dispatcher)
