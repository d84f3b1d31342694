"""Wiring only: build the Bot, the Dispatcher, routers and middlewares, then run them."""

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramUnauthorizedError
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import BotCommand, BotCommandScopeChat, ErrorEvent
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.handlers import build_router
from bot.handlers.admin import ADMIN_COMMANDS
from bot.handlers.broadcast import progress_text, stop_markup
from bot.handlers.reminder_views import delivered_message
from bot.i18n import N_, load_i18n, translator
from bot.limits import LANGUAGES
from bot.middlewares import UserLocaleMiddleware
from bot.services.broadcaster import Broadcaster, Notify
from bot.services.clock import Clock, SystemClock
from bot.services.content_holder import ContentHolder, ContentSources
from bot.services.engagement import EventRecorder
from bot.services.pseudonym import Pseudonymizer, load_or_create_key
from bot.services.reminder_dispatcher import ReminderDispatcher
from bot.services.sender import BulkSender
from bot.services.stats import Statistics
from bot.storage.broadcasts import Broadcast, BroadcastStore, Progress
from bot.storage.database import open_database
from bot.storage.events import EventStore
from bot.storage.fsm import SQLiteStorage
from bot.storage.reminders import ReminderStore
from bot.storage.reports import ReportStore
from bot.storage.user_settings import UserSettingsStore
from bot.telegram_session import bulk_delivery, create_session
from bot.update_guards import DuplicateUpdates, FloodGuard, UnknownUpdates

log = logging.getLogger(__name__)

COMMANDS = (
    ("start", N_("Start")),
    ("menu", N_("Main menu")),
    ("sos", N_("Hotlines: help now")),
    ("language", N_("Change language")),
    ("reminders", N_("Reminders of dates")),
    ("stop", N_("Stop all reminders")),
    ("agency", N_("Check a recruitment agency")),
    ("report", N_("Report a suspicious offer")),
    ("privacy", N_("What Safar keeps")),
    ("forget", N_("Erase my data")),
)
"""Command names and English descriptions; descriptions are translated per language."""


@dataclass
class Application:
    bot: Bot
    dispatcher: Dispatcher
    database: aiosqlite.Connection
    content: ContentHolder
    i18n: I18n
    settings: Settings
    reminders: ReminderDispatcher
    recorder: EventRecorder
    statistics: Statistics
    broadcaster: Broadcaster


def errors_router() -> Router:
    """Logs an update that failed, without its text, and keeps the process running."""
    router = Router(name="errors")

    @router.error()
    async def log_error(event: ErrorEvent) -> bool:
        log.error(
            "update %s (%s) failed: %s",
            event.update.update_id,
            event.update.event_type,
            type(event.exception).__name__,
            exc_info=event.exception,
        )
        return True

    return router


def create_dispatcher(
    database: aiosqlite.Connection,
    content: ContentHolder,
    i18n: I18n,
    pseudonyms: Pseudonymizer,
    admin_ids: frozenset[int],
    clock: Clock,
    recorder: EventRecorder,
    statistics: Statistics,
    flood: tuple[float, int],
) -> Dispatcher:
    users = UserSettingsStore(database)
    dispatcher = Dispatcher(
        storage=SQLiteStorage(database, pseudonyms),
        # One update at a time per user: two quick taps must not race on the saved conversation.
        events_isolation=SimpleEventIsolation(),
        content=content,
        users=users,
        reports=ReportStore(database),
        reminders=ReminderStore(database),
        recorder=recorder,
        statistics=statistics,
        broadcasts=BroadcastStore(database),
        clock=clock,
        admin_ids=admin_ids,
    )
    dispatcher.update.outer_middleware(DuplicateUpdates())
    dispatcher.update.outer_middleware(UnknownUpdates())
    dispatcher.update.outer_middleware(FloodGuard(i18n, rate=flood[0], burst=flood[1]))  # (per second, burst)
    UserLocaleMiddleware(i18n, users, pseudonyms, recorder).setup(dispatcher)
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_routers(build_router(), errors_router())
    return dispatcher


def bot_for(settings: Settings, *, retry: bool = True) -> Bot:
    assert settings.bot_token is not None
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=create_session(settings.bot_api_base_url, retry=retry, timeout=settings.bot_api_timeout_seconds),
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


@asynccontextmanager
async def application(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Application]:
    """Everything the bot needs, opened in order and closed in reverse."""
    clock = clock or SystemClock()
    i18n = load_i18n()
    sources = ContentSources(settings.content_dir, settings.agency_registry_path, translator(i18n))
    content = ContentHolder(sources)
    for warning in content.current.curriculum.warnings:
        log.warning("content: %s", warning)  # a Problem: file:line: message
    key = load_or_create_key(
        settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None,
        settings.db_path,
    )
    database = await open_database(settings.db_path)
    bot, bulk_bot = bot_for(settings), bot_for(settings, retry=False)
    recorder = EventRecorder(EventStore(database), clock)
    statistics = Statistics(EventStore(database), clock, settings.event_retention_days)
    dispatcher = create_dispatcher(
        database, content, i18n, Pseudonymizer(key), settings.admin_ids, clock, recorder, statistics,
        flood=(settings.flood_updates_per_second, settings.flood_burst),
    )  # fmt: skip
    sender = BulkSender(
        bulk_delivery(bulk_bot),
        messages_per_second=settings.bulk_messages_per_second,
        seconds_per_chat=settings.bulk_seconds_per_chat,
    )
    reminders = ReminderDispatcher(
        ReminderStore(database),
        sender,
        lambda entry: delivered_message(entry, content.current, i18n),
        clock,
        recorder=recorder,
    )
    broadcaster = Broadcaster(BroadcastStore(database), sender, broadcast_progress(bot), clock)
    try:
        yield Application(
            bot, dispatcher, database, content, i18n, settings, reminders, recorder, statistics, broadcaster
        )
    finally:
        await bot.session.close()
        await bulk_bot.session.close()
        await database.close()


class RunningJobs:
    """Lets periodic jobs finish at shutdown instead of being cancelled half-way (APScheduler's
    shutdown cancels running coroutines: a reminder sent but not marked would go again)."""

    def __init__(self) -> None:
        self._running: set[asyncio.Task[Any]] = set()
        self._closed = False

    def guard(self, job: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            task = asyncio.current_task()
            if self._closed or task is None:
                return
            self._running.add(task)
            try:
                await job()
            finally:
                self._running.discard(task)

        return run

    async def drain(self) -> None:
        self._closed = True
        await asyncio.gather(*self._running, return_exceptions=True)


@asynccontextmanager
async def reminder_jobs(app: Application) -> AsyncIterator[None]:
    """APScheduler runs reminders, broadcasts, event writes and roll-ups while the bot runs."""
    released = await ReminderStore(app.database).release_all_claims()
    released += await BroadcastStore(app.database).release_all_claims()
    if released:
        log.warning("%d message(s) claimed by a run that stopped abruptly are due again", released)
    scheduler = AsyncIOScheduler(timezone="UTC")
    jobs = RunningJobs()
    every = app.settings.reminder_check_seconds
    now = datetime.now(UTC)
    scheduler.add_job(jobs.guard(app.reminders.run_once), "interval", seconds=every, next_run_time=now,
                      max_instances=1, coalesce=True, id="reminders")  # fmt: skip
    scheduler.add_job(jobs.guard(app.broadcaster.run_once), "interval", seconds=every, max_instances=1,
                      coalesce=True, id="broadcasts")  # fmt: skip
    scheduler.add_job(jobs.guard(app.recorder.flush), "interval", seconds=2, max_instances=1, id="events")
    scheduler.add_job(jobs.guard(app.statistics.maintain), "interval", minutes=10, next_run_time=now,
                      max_instances=1, id="rollups")  # fmt: skip
    scheduler.add_job(jobs.guard(app.reminders.housekeeping), "interval", hours=6, id="housekeeping")
    scheduler.start()
    try:
        yield
    finally:
        await app.reminders.shutdown()  # messages under way finish; the rest of the batch is released
        await app.broadcaster.shutdown()
        await jobs.drain()
        scheduler.shutdown(wait=False)
        await app.recorder.flush()  # a clean shutdown loses no event


async def register_commands(bot: Bot, i18n: I18n, admin_ids: frozenset[int]) -> None:
    """The command menu in each language (the default list is Russian), and for staff's own
    chats a menu that adds the staff commands: nobody else sees they exist."""
    for language in (None, *LANGUAGES):
        locale = language or "ru"
        commands = [
            BotCommand(command=name, description=i18n.gettext(description, locale=locale))
            for name, description in COMMANDS
        ]
        await bot.set_my_commands(commands, language_code=language)
    staff_menu = [
        BotCommand(command=name, description=description) for name, description in (*COMMANDS, *ADMIN_COMMANDS)
    ]
    for admin_id in sorted(admin_ids):
        try:
            await bot.set_my_commands(staff_menu, scope=BotCommandScopeChat(chat_id=admin_id))
        except TelegramBadRequest as error:  # the admin has not opened the bot yet
            log.warning("no staff command menu for one admin: %s", error.message)


def broadcast_progress(bot: Bot) -> Notify:
    """Keeps the staff member's progress message up to date; a failed edit is not an error."""

    async def notify(broadcast: Broadcast, progress: Progress, finished: bool) -> None:
        if broadcast.progress_message_id is None:
            return
        try:
            await bot.edit_message_text(
                progress_text(broadcast.id, progress, finished),
                chat_id=broadcast.admin_chat,
                message_id=broadcast.progress_message_id,
                reply_markup=None if finished else stop_markup(broadcast.id),
            )
        except TelegramBadRequest as error:
            log.info("broadcast progress not shown: %s", error.message)

    return notify


class StartupError(Exception):
    """Start-up cannot go on for a reason the operator can fix; the message says which."""


async def check_bot_api(bot: Bot, base_url: str) -> None:
    """Ask Telegram who we are before anything else, so a wrong token or address is one clear line."""
    try:
        await bot.get_me()
    except TelegramUnauthorizedError as error:
        raise StartupError("Telegram refused BOT_TOKEN (401 Unauthorized): copy it again from @BotFather.") from error
    except TelegramNetworkError as error:
        raise StartupError(
            f"cannot reach the Bot API at {base_url} ({error.message}); check BOT_API_BASE_URL."
        ) from error


def settle_memory() -> None:
    """Move everything loaded at start-up (aiogram's models, the content) out of the garbage
    collector's sight: it never becomes garbage, and scanning it again and again cost time per
    update and the worst pauses under load (scripts/bench_load.py: about a quarter more updates/s
    together with the remembered keyboards)."""
    gc.collect()
    gc.freeze()


async def poll(app: Application, *, handle_signals: bool = True, polling_timeout: int = 10) -> None:
    """Long polling until stopped (SIGINT/SIGTERM, or `dispatcher.stop_polling()`)."""
    await check_bot_api(app.bot, app.settings.bot_api_base_url)
    await app.bot.delete_webhook(drop_pending_updates=False)
    await register_commands(app.bot, app.i18n, app.settings.admin_ids)
    settle_memory()
    log.info("Safar is running (long polling)")
    async with reminder_jobs(app):
        await app.dispatcher.start_polling(
            app.bot, handle_signals=handle_signals, close_bot_session=False, polling_timeout=polling_timeout
        )


async def run_polling(settings: Settings) -> None:
    async with application(settings) as app:
        await poll(app)


async def run_webhook(settings: Settings) -> None:
    """Serve Telegram's webhook calls; requests without the secret token are rejected."""
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
    from aiohttp import web

    assert settings.webhook_url is not None and settings.webhook_secret is not None
    secret = settings.webhook_secret.get_secret_value()
    async with application(settings) as app:
        web_app = web.Application()
        SimpleRequestHandler(app.dispatcher, app.bot, secret_token=secret).register(web_app, path=WEBHOOK_PATH)
        setup_application(web_app, app.dispatcher, bot=app.bot)
        runner = web.AppRunner(web_app)
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        await site.start()
        await check_bot_api(app.bot, settings.bot_api_base_url)
        await register_commands(app.bot, app.i18n, app.settings.admin_ids)
        await app.bot.set_webhook(settings.webhook_url.rstrip("/") + WEBHOOK_PATH, secret_token=secret)
        settle_memory()
        log.info("Safar is serving its webhook on %s:%d", settings.webhook_host, settings.webhook_port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with reminder_jobs(app):
            await stop.wait()
        await runner.cleanup()


WEBHOOK_PATH = "/telegram/webhook"
