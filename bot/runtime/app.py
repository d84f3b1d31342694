"""Wiring only: build the Bot, the Dispatcher, routers and middlewares, then run them."""

import gc
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n

from bot.common.clock import Clock, SystemClock
from bot.common.staff_roles import StaffRoles
from bot.config import Settings
from bot.handlers import build_router
from bot.handlers.conversation import durable_part
from bot.handlers.errors import errors_router
from bot.handlers.reminder_views import delivered_message
from bot.i18n import load_i18n, translator
from bot.middlewares import in_flight
from bot.middlewares.chat_locks import ReleasingEventIsolation
from bot.middlewares.chat_queues import ChatQueues
from bot.middlewares.kept_updates import KeepRule, KeptUpdates, desk_messages, in_album
from bot.middlewares.locale import UserLocaleMiddleware
from bot.middlewares.metrics import UpdateMetrics
from bot.middlewares.update_guards import DuplicateUpdates, FloodGuard, UnknownUpdates
from bot.privacy.key_setup import key_sources, unlock
from bot.privacy.period_salts import PeriodSalts
from bot.privacy.pseudonyms import Pseudonymizer
from bot.privacy.secret_keys import ChatCipher
from bot.runtime.broadcast_progress import broadcast_progress
from bot.runtime.process_roles import SCHEDULER, claims
from bot.services.broadcast_approval import BroadcastApprovals
from bot.services.broadcaster import Broadcaster
from bot.services.campaign_counts import CampaignCounts
from bot.services.content_holder import ContentHolder, ContentSources
from bot.services.content_sync import ContentSync
from bot.services.counsellor_desk import CounsellorDesk, DeskSettings
from bot.services.engagement import EventRecorder, PromptEventRecorder
from bot.services.hotline_answers import HotlineAnswers
from bot.services.recent_messages import RecentMessages
from bot.services.reminder_dispatcher import ReminderDispatcher
from bot.services.report_writer import ReportWriter
from bot.services.retention import Retention
from bot.services.sender import BulkSender
from bot.services.staff_audit import AuditLog
from bot.services.stats import Statistics
from bot.services.unlinked_writes import UnlinkedWrites
from bot.storage.backends.sqlite import Database, lock_database, open_database
from bot.storage.stores.broadcast_proposals import ProposalStore
from bot.storage.stores.broadcasts import BroadcastStore
from bot.storage.stores.campaigns import CampaignStore
from bot.storage.stores.content_reloads import ContentReloadStore
from bot.storage.stores.conversations import DatabaseFSMStorage
from bot.storage.stores.counsellor_cases import CounsellorCaseStore
from bot.storage.stores.events import EventStore
from bot.storage.stores.hotline_answers import HotlineAnswerStore
from bot.storage.stores.key_fingerprints import KeyFingerprints
from bot.storage.stores.reminders import ReminderStore
from bot.storage.stores.reports import ReportStore
from bot.storage.stores.staff_audit import StaffAuditStore
from bot.storage.stores.tallies import MemoryTally
from bot.storage.stores.user_settings import UserSettingsStore
from bot.transport.forum_topics import ForumTopics
from bot.transport.observed import Heartbeat
from bot.transport.outbound import bulk_delivery
from bot.transport.sent_messages import NoticeSentMessages
from bot.transport.session import create_session

if TYPE_CHECKING:
    from bot.runtime.shared_state import SharedState

log = logging.getLogger(__name__)


@dataclass
class Application:
    bot: Bot
    dispatcher: Dispatcher
    database: Database
    cipher: ChatCipher
    content: ContentHolder
    content_sync: ContentSync
    i18n: I18n
    settings: Settings
    reminders: ReminderDispatcher
    recorder: EventRecorder
    statistics: Statistics
    unlinked: UnlinkedWrites
    """Rows people's actions create (reports, campaign counts), held and written in batches."""
    broadcaster: Broadcaster
    retention: Retention
    approvals: BroadcastApprovals
    heartbeat: Heartbeat
    """Told each time long polling hears from Telegram; read by the health check."""
    shared: "SharedState | None" = None
    """What several processes share through Redis (REDIS_URL); None for a single process."""
    desk: CounsellorDesk | None = None
    """The counsellors' desk (COUNSELLORS_CHAT_ID); None when unset."""


def create_dispatcher(
    database: Database,
    cipher: ChatCipher,
    content: ContentHolder,
    content_sync: ContentSync,
    i18n: I18n,
    pseudonyms: Pseudonymizer,
    staff: StaffRoles,
    clock: Clock,
    recorder: EventRecorder,
    statistics: Statistics,
    unlinked: UnlinkedWrites,
    flood: tuple[float, int],
    approvals: BroadcastApprovals,
    shared: "SharedState | None" = None,
    max_in_flight: int | None = None,
    keep: Sequence[KeepRule] = (in_album,),
    desk: CounsellorDesk | None = None,
) -> Dispatcher:
    """`shared`: conversations, chat locks and seen updates in Redis for several workers (REDIS_URL).
    `max_in_flight`: updates handled at once (MAX_UPDATES_IN_FLIGHT). `keep`: what must not be lost
    when a person sends fast (bot/middlewares/kept_updates.py); the counsellor hand-off adds its rule here."""
    # Another worker may change the language: with `shared`, every update reads it from the database.
    users = UserSettingsStore(database, recent=0) if shared else UserSettingsStore(database)
    tally = shared.tally if shared else MemoryTally()  # per-person counts of the day or week
    reports, campaigns = ReportStore(database), CampaignStore(database)
    campaign_counts = CampaignCounts(campaigns, tally, unlinked.kind("campaign_weeks", campaigns.add), clock)
    dispatcher = Dispatcher(
        storage=shared.storage if shared else DatabaseFSMStorage(database, pseudonyms, durable_part),
        # One update at a time per user: two quick taps must not race on the saved conversation.
        events_isolation=shared.isolation if shared else ReleasingEventIsolation(),
        disable_fsm=True,  # registered below, after the guards and each chat's queue
        content=content,
        content_sync=content_sync,
        users=users,
        reports=reports,
        report_batch=unlinked.kind("offer_reports", ReportWriter(reports, content)),
        tally=tally,
        reminders=ReminderStore(database, cipher),
        recorder=recorder,
        statistics=statistics,
        broadcasts=BroadcastStore(database, cipher),
        campaigns=campaigns,
        campaign_counts=campaign_counts,
        hotline_answers=HotlineAnswers(HotlineAnswerStore(database), clock, tally),
        clock=clock,
        staff=staff,
        audit=approvals.audit,
        approvals=approvals,
        desk=desk,
    )
    dispatcher.update.outer_middleware(UpdateMetrics())  # first: it times everything after it
    in_flight.install(dispatcher)  # a shutdown waits for the updates under way
    dispatcher.update.outer_middleware(shared.duplicates if shared else DuplicateUpdates())
    dispatcher.update.outer_middleware(UnknownUpdates())
    kept = KeptUpdates(*keep)
    if desk is not None:
        kept.add(desk_messages(desk, pseudonyms.user_key))
    dispatcher.update.outer_middleware(
        FloodGuard(i18n, rate=flood[0], burst=flood[1], shared=shared.flood if shared else None, keep=kept)
    )  # flood: (per second, burst)
    queues = dispatcher["chat_queues"] = ChatQueues(dispatcher, kept, i18n, slots=max_in_flight)
    dispatcher.update.outer_middleware(queues)
    # The chat's lock and conversation (aiogram's FSM middleware), taken once the chat's turn came.
    dispatcher.update.outer_middleware(dispatcher.fsm)
    UserLocaleMiddleware(i18n, users, pseudonyms, recorder).setup(dispatcher)
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_routers(build_router(), errors_router())
    return dispatcher


def bot_for(settings: Settings, *, retry: bool = True, heartbeat: Heartbeat | None = None) -> Bot:
    assert settings.bot_token is not None
    session = create_session(
        settings.bot_api_base_url, retry=retry, heartbeat=heartbeat, timeout=settings.bot_api_timeout_seconds
    )
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


@asynccontextmanager
async def application(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Application]:
    """Everything the bot needs, opened in order and closed in reverse."""
    clock = clock or SystemClock()
    i18n = load_i18n()
    sources = ContentSources(settings.content_dir, settings.agency_registry_path, translator(i18n), clock)
    content = ContentHolder(sources)
    for warning in content.current.curriculum.warnings:
        log.warning("content: %s", warning)  # a Problem: file:line: message
    # One bot per SQLite file, and a restore waits for it to stop. PostgreSQL is shared by design.
    in_use = lock_database(settings.db_path) if settings.database_url is None else None
    try:
        database = await open_database(settings.database_target)
    except BaseException:
        if in_use is not None:
            in_use.close()
        raise
    try:
        keys = await unlock(KeyFingerprints(database), key_sources(settings), settings.db_path.parent)
        pseudonyms = Pseudonymizer(keys.pseudonym)
        shared = None
        if settings.redis_url is not None:
            from bot.runtime.shared_state import open_shared_state  # the Redis client is loaded only when used

            shared = await open_shared_state(settings, database, pseudonyms, durable_part)
    except BaseException:
        await database.close()
        if in_use is not None:
            in_use.close()
        raise
    cipher = ChatCipher(keys.delivery)
    recent_messages = RecentMessages(pseudonyms.user_key)
    heartbeat = Heartbeat()
    bot, bulk_bot = bot_for(settings, heartbeat=heartbeat), bot_for(settings, retry=False)
    for session in (bot.session, bulk_bot.session):
        session.middleware(NoticeSentMessages(recent_messages.sent))
    day_salts = PeriodSalts()  # one day's salt for the sketch, shared by roll-ups and live statistics
    prompt = settings.safar_role == SCHEDULER  # one of several, and may be killed: no events kept waiting
    recorder = (PromptEventRecorder if prompt else EventRecorder)(EventStore(database, day_salts), clock)
    statistics = Statistics(EventStore(database, day_salts), clock)
    unlinked = UnlinkedWrites(database, clock)
    delay = timedelta(minutes=settings.broadcast_delay_minutes) if settings.broadcast_delay_minutes else None
    approvals = BroadcastApprovals(
        ProposalStore(database),
        BroadcastStore(database, cipher),
        AuditLog(StaffAuditStore(database), clock),
        clock,
        delay,
        settings.staff,
    )
    content_sync = ContentSync(content, ContentReloadStore(database), clock)
    desk = None
    if settings.counsellors_chat_id is not None:
        desk = CounsellorDesk(
            CounsellorCaseStore(database, cipher),
            ForumTopics(bot, settings.counsellors_chat_id),
            DeskSettings(
                settings.counsellors_chat_id,
                settings.counsellors_organisation,
                DeskSettings.parse_hours(settings.counsellors_hours),
                ZoneInfo(settings.counsellors_time_zone),
                timedelta(hours=settings.counsellors_answer_hours),
                timedelta(hours=settings.case_grace_hours),
                timedelta(days=settings.case_retention_days),
            ),
            clock,
        )
    dispatcher = create_dispatcher(
        database, cipher, content, content_sync, i18n, pseudonyms, settings.staff, clock, recorder, statistics,
        unlinked, flood=(settings.flood_updates_per_second, settings.flood_burst), approvals=approvals, shared=shared,
        max_in_flight=settings.max_updates_in_flight, desk=desk,
    )  # fmt: skip
    dispatcher["recent_messages"] = recent_messages
    dispatcher["report_retention_days"] = settings.report_retention_days  # /privacy says it
    sender = BulkSender(
        bulk_delivery(bulk_bot),
        messages_per_second=settings.bulk_messages_per_second,
        seconds_per_chat=settings.bulk_seconds_per_chat,
        shared=shared.send_slots if shared else None,
    )
    batches = claims(settings)  # short leases where another scheduler may have to take over
    reminders = ReminderDispatcher(
        ReminderStore(database, cipher),
        sender,
        lambda entry, plain: delivered_message(entry, content.current, i18n, plain),
        clock,
        recorder=recorder,
        batch_size=batches.reminders,
        lease_seconds=batches.lease_seconds,
        plain_texts=UserSettingsStore(database).with_plain_reminders,
    )
    broadcaster = Broadcaster(
        BroadcastStore(database, cipher), ReminderStore(database, cipher), sender, broadcast_progress(bot), clock,
        batch_size=batches.broadcast, lease_seconds=batches.lease_seconds,
    )  # fmt: skip
    try:
        yield Application(
            bot, dispatcher, database, cipher, content, content_sync, i18n, settings, reminders, recorder, statistics,
            unlinked, broadcaster, Retention(ReportStore(database), clock, settings.report_retention_days), approvals,
            heartbeat, shared, desk,
        )  # fmt: skip
    finally:
        await bot.session.close()
        await bulk_bot.session.close()
        if shared is not None:
            await shared.close()
        await database.close()
        if in_use is not None:
            in_use.close()


def settle_memory() -> None:
    """Move everything loaded at start-up (aiogram's models, the content) out of the garbage
    collector's sight: it never becomes garbage, and scanning it again and again cost time per
    update and the worst pauses under load (scripts/bench_load.py: about a quarter more updates/s
    together with the remembered keyboards)."""
    gc.collect()
    gc.freeze()
