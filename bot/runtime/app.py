"""Wiring only: build the Bot, the Dispatcher, routers and middlewares, then run them."""

import ctypes
import gc
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.utils.callback_answer import CallbackAnswerMiddleware
from aiogram.utils.i18n import I18n
from pydantic import BaseModel

from bot.common.clock import Clock, SystemClock
from bot.common.staff_roles import StaffRoles
from bot.config import Settings
from bot.handlers import build_router
from bot.handlers.advert_albums import AdvertAlbums
from bot.handlers.conversation import durable_part
from bot.handlers.counsellor_answers import RelayNotices
from bot.handlers.counsellors import tell_staff_desk_lost
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
from bot.privacy.secret_keys import ChatCipher, KeyRing
from bot.runtime.broadcast_progress import broadcast_progress
from bot.runtime.confirmed_polling import ConfirmingDispatcher
from bot.runtime.process_roles import SCHEDULER, claims
from bot.runtime.telegram_models import build_models_every_update_uses, keep_no_handled_updates
from bot.services.advert_watch import AdvertWatch
from bot.services.broadcast_approval import BroadcastApprovals
from bot.services.broadcaster import Broadcaster
from bot.services.campaign_counts import CampaignCounts
from bot.services.content_holder import ContentHolder, ContentSources
from bot.services.content_sync import ContentSync
from bot.services.counsellor_desk import CounsellorDesk, DeskSettings
from bot.services.counsellor_relays import MemoryGroupBudget, RelayQueue
from bot.services.desk_figures import DeskFigures
from bot.services.engagement import EventRecorder, PromptEventRecorder
from bot.services.hotline_answers import HotlineAnswers
from bot.services.picture_text import PictureReader, PictureText
from bot.services.recent_messages import RecentMessages
from bot.services.reminder_dispatcher import ReminderDispatcher
from bot.services.reminder_planning import ReminderPlanner
from bot.services.report_writer import ReportWriter
from bot.services.retention import Retention
from bot.services.sender import BulkSender
from bot.services.staff_audit import AuditLog
from bot.services.stats import Statistics
from bot.services.unlinked_writes import UnlinkedWrites
from bot.storage.backends.sqlite import Database, lock_database, open_database
from bot.storage.stores.advert_checks import AdvertCheckStore
from bot.storage.stores.broadcast_proposals import ProposalStore
from bot.storage.stores.broadcasts import BroadcastStore
from bot.storage.stores.campaigns import CampaignStore
from bot.storage.stores.content_reloads import ContentReloadStore
from bot.storage.stores.conversations import DatabaseFSMStorage
from bot.storage.stores.counsellor_blocks import CounsellorBlockStore
from bot.storage.stores.counsellor_cases import CounsellorCaseStore
from bot.storage.stores.counsellor_relays import CounsellorRelayStore
from bot.storage.stores.desk_figures import DeskFigureStore
from bot.storage.stores.events import EventStore
from bot.storage.stores.hotline_answers import HotlineAnswerStore
from bot.storage.stores.key_fingerprints import KeyFingerprints
from bot.storage.stores.reminders import ReminderStore
from bot.storage.stores.reports import ReportStore
from bot.storage.stores.staff_audit import StaffAuditStore
from bot.storage.stores.tallies import MemoryTally
from bot.storage.stores.telegram_files import TelegramFileStore
from bot.storage.stores.user_settings import UserSettingsStore
from bot.transport.forum_topics import ForumTopics
from bot.transport.media_uploads import MediaSender
from bot.transport.observed import Heartbeat
from bot.transport.outbound import bulk_delivery
from bot.transport.relay_calls import RelayDelivery
from bot.transport.sent_messages import NoticeSentMessages
from bot.transport.session import create_session

if TYPE_CHECKING:
    from bot.runtime.shared_state import SharedState

log = logging.getLogger(__name__)

POOLED_CONNECTIONS = 10
"""PostgreSQL connections a process keeps, and the most it opens: a worker is one core's work, and
an update holds a connection only for a statement's round trip, so ten cover a hundred updates in
flight (scripts/bench_scale.py counts the connections opened during its measured taps)."""


@dataclass(kw_only=True)
class Stores:
    """Every store of the process, each built once over the one database and handed to who needs it."""

    users: UserSettingsStore
    reports: ReportStore
    campaigns: CampaignStore
    reminders: ReminderStore
    broadcasts: BroadcastStore
    proposals: ProposalStore
    events: EventStore
    staff_audit: StaffAuditStore
    content_reloads: ContentReloadStore
    hotline_answers: HotlineAnswerStore
    counsellor_cases: CounsellorCaseStore
    counsellor_relays: CounsellorRelayStore
    desk_figures: DeskFigureStore
    telegram_files: TelegramFileStore
    advert_checks: AdvertCheckStore

    @classmethod
    def over(cls, database: Database, cipher: ChatCipher, day_salts: PeriodSalts, *, shared: bool) -> "Stores":
        """`day_salts`: one day's salt for the sketch, shared by roll-ups and live statistics."""
        return cls(
            # Another worker may change the language: with `shared`, every update reads it from the database.
            users=UserSettingsStore(database, recent=0) if shared else UserSettingsStore(database),
            reports=ReportStore(database),
            campaigns=CampaignStore(database),
            reminders=ReminderStore(database, cipher),
            broadcasts=BroadcastStore(database, cipher),
            proposals=ProposalStore(database),
            events=EventStore(database, day_salts),
            staff_audit=StaffAuditStore(database),
            content_reloads=ContentReloadStore(database),
            hotline_answers=HotlineAnswerStore(database),
            counsellor_cases=CounsellorCaseStore(database, cipher),
            counsellor_relays=CounsellorRelayStore(database, cipher),
            desk_figures=DeskFigureStore(database),
            telegram_files=TelegramFileStore(database),
            advert_checks=AdvertCheckStore(database),
        )


@dataclass(kw_only=True)
class Services:
    """What updates and periodic jobs share, built once per process: all a dispatcher is made from."""

    database: Database
    cipher: ChatCipher
    stores: Stores
    content: ContentHolder
    content_sync: ContentSync
    i18n: I18n
    pseudonyms: Pseudonymizer
    clock: Clock
    staff: StaffRoles
    recorder: EventRecorder
    statistics: Statistics
    unlinked: UnlinkedWrites
    """Rows people's actions create (reports, campaign counts), held and written in batches."""
    approvals: BroadcastApprovals


@dataclass(kw_only=True)
class Application(Services):
    """The running bot: the shared services, the Bot API clients, and the periodic jobs' workers."""

    settings: Settings
    bot: Bot
    dispatcher: ConfirmingDispatcher
    heartbeat: Heartbeat
    """Told each time long polling hears from Telegram; read by the health check."""
    reminders: ReminderDispatcher
    broadcaster: Broadcaster
    retention: Retention
    shared: "SharedState | None" = None
    """What several processes share through Redis (REDIS_URL); None for a single process."""
    desk: CounsellorDesk | None = None
    """The counsellors' desk (COUNSELLORS_CHAT_ID); None when unset."""

    def gauges(self) -> tuple[Callable[[], Awaitable[None]], ...]:
        """What /metrics reads from the database beyond its size and broadcasts: the desk's figures."""
        figures = self.desk.figures if self.desk is not None else None
        return (figures.refresh_gauges,) if figures is not None else ()


def create_dispatcher(
    services: Services,
    *,
    flood: tuple[float, int],
    shared: "SharedState | None" = None,
    max_in_flight: int | None = None,
    keep: Sequence[KeepRule] = (in_album,),
    desk: CounsellorDesk | None = None,
) -> ConfirmingDispatcher:
    """`flood`: (updates per second, burst) for one person. `shared`: conversations, chat locks and
    seen updates in Redis for several workers (REDIS_URL). `max_in_flight`: updates handled at once
    (MAX_UPDATES_IN_FLIGHT). `keep`: what must not be lost when a person sends fast
    (bot/middlewares/kept_updates.py); the counsellor hand-off adds its rule here."""
    stores, clock, unlinked = services.stores, services.clock, services.unlinked
    tally = shared.tally if shared else MemoryTally()  # per-person counts of the day or week
    campaign_counts = CampaignCounts(
        stores.campaigns, tally, unlinked.kind("campaign_weeks", stores.campaigns.add), clock
    )
    conversations = (
        shared.storage
        if shared
        else DatabaseFSMStorage(services.database, services.pseudonyms, durable_part, clock=clock)
    )
    dispatcher = ConfirmingDispatcher(  # polling confirms an update to Telegram once it is handled
        storage=conversations,
        # One update at a time per user: two quick taps must not race on the saved conversation.
        events_isolation=shared.isolation if shared else ReleasingEventIsolation(),
        disable_fsm=True,  # registered below, after the guards and each chat's queue
        content=services.content,
        content_sync=services.content_sync,
        users=stores.users,
        reports=stores.reports,
        report_batch=unlinked.kind("offer_reports", ReportWriter(stores.reports, services.content)),
        tally=tally,
        reminders=stores.reminders,
        planner=ReminderPlanner(stores.reminders, stores.users, services.content, clock),
        recorder=services.recorder,
        statistics=services.statistics,
        broadcasts=stores.broadcasts,
        campaigns=stores.campaigns,
        campaign_counts=campaign_counts,
        hotline_answers=HotlineAnswers(stores.hotline_answers, clock, tally),
        advert_watch=AdvertWatch(
            stores.advert_checks, tally, unlinked.kind("advert_checks", stores.advert_checks.insert), clock
        ),
        clock=clock,
        staff=services.staff,
        audit=services.approvals.audit,
        approvals=services.approvals,
        desk=desk,
        relays=desk.relays if desk is not None else None,
        media_sender=MediaSender(stores.telegram_files),
    )
    i18n = services.i18n
    dispatcher.update.outer_middleware(UpdateMetrics())  # first: it times everything after it
    in_flight.install(dispatcher)  # a shutdown waits for the updates under way
    dispatcher.update.outer_middleware(shared.duplicates if shared else DuplicateUpdates())
    dispatcher.update.outer_middleware(UnknownUpdates())
    kept = KeptUpdates(*keep)
    if desk is not None:
        kept.add(desk_messages(desk, services.pseudonyms.user_key))
    dispatcher.update.outer_middleware(
        FloodGuard(i18n, rate=flood[0], burst=flood[1], shared=shared.flood if shared else None, keep=kept)
    )
    queues = dispatcher["chat_queues"] = ChatQueues(dispatcher, kept, i18n, slots=max_in_flight)
    dispatcher.update.outer_middleware(queues)
    # The chat's lock and conversation (aiogram's FSM middleware), taken once the chat's turn came.
    dispatcher.update.outer_middleware(dispatcher.fsm)
    UserLocaleMiddleware(i18n, stores.users, services.pseudonyms, services.recorder).setup(dispatcher)
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    dispatcher.include_routers(build_router(desk=desk is not None), errors_router())
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
async def _opened_database(settings: Settings) -> AsyncIterator[Database]:
    # One bot per SQLite file, and a restore waits for it to stop. PostgreSQL is shared by design.
    in_use = lock_database(settings.db_path) if settings.database_url is None else None
    try:
        # As many pooled connections as updates handled at once, up to a share of PostgreSQL's
        # 100 connections that leaves room for a few workers and schedulers.
        connections = min(settings.max_updates_in_flight, POOLED_CONNECTIONS)
        database = await open_database(settings.database_target, connections=connections)
        try:
            yield database
        finally:
            await database.close()
    finally:
        if in_use is not None:
            in_use.close()


@asynccontextmanager
async def _bot(settings: Settings, *, retry: bool = True, heartbeat: Heartbeat | None = None) -> AsyncIterator[Bot]:
    bot = bot_for(settings, retry=retry, heartbeat=heartbeat)
    try:
        yield bot
    finally:
        await bot.session.close()


def _content(settings: Settings, i18n: I18n, clock: Clock) -> ContentHolder:
    content = ContentHolder(
        ContentSources(settings.content_dir, settings.agency_registry_path, translator(i18n), clock)
    )
    curriculum = content.current.curriculum
    for warning in [*curriculum.warnings, *curriculum.media.problems]:
        log.warning("content: %s", warning)  # a Problem: file:line: message; a refused media file is left out
    return content


def _services(
    settings: Settings,
    content: ContentHolder,
    i18n: I18n,
    database: Database,
    keys: KeyRing,
    pseudonyms: Pseudonymizer,
    clock: Clock,
    shared: bool,
) -> Services:
    cipher = ChatCipher(keys.delivery)
    stores = Stores.over(database, cipher, PeriodSalts(), shared=shared)
    prompt = settings.safar_role == SCHEDULER  # one of several, and may be killed: no events kept waiting
    delay = timedelta(minutes=settings.broadcast_delay_minutes) if settings.broadcast_delay_minutes else None
    audit = AuditLog(stores.staff_audit, clock)
    return Services(
        database=database,
        cipher=cipher,
        stores=stores,
        content=content,
        content_sync=ContentSync(content, stores.content_reloads, clock),
        i18n=i18n,
        pseudonyms=pseudonyms,
        clock=clock,
        staff=settings.staff,
        recorder=(PromptEventRecorder if prompt else EventRecorder)(stores.events, clock),
        statistics=Statistics(stores.events, clock),
        unlinked=UnlinkedWrites(database, clock),
        approvals=BroadcastApprovals(stores.proposals, stores.broadcasts, audit, clock, delay, settings.staff),
    )


def _desk(
    settings: Settings, services: Services, bot: Bot, bulk_bot: Bot, shared: "SharedState | None"
) -> CounsellorDesk | None:
    """The counsellors' desk when COUNSELLORS_CHAT_ID is set; None leaves everything as it was."""
    if settings.counsellors_chat_id is None:
        return None
    desk: CounsellorDesk | None = None

    async def group_refused() -> None:  # Safar was removed from the group or lost its rights there
        if desk is not None and desk.available:
            desk.available = False
            await tell_staff_desk_lost(bot, services.staff)

    relays = RelayQueue(
        services.stores.counsellor_relays,
        RelayDelivery(bulk_bot, settings.counsellors_chat_id),  # no retries of its own: the queue waits out 429s
        RelayNotices(services.i18n, settings.counsellors_language),
        services.stores.users.with_plain_reminders,  # answers arrive as the person chose for reminders
        budget=shared.group_budget if shared else MemoryGroupBudget(settings.counsellors_group_messages_per_minute),
        turns=shared.case_turns if shared else None,
        poll_seconds=settings.reminder_check_seconds,
        on_group_refused=group_refused,
    )
    desk = CounsellorDesk(
        services.stores.counsellor_cases,
        ForumTopics(bot, settings.counsellors_chat_id),
        DeskSettings(
            settings.counsellors_chat_id,
            settings.counsellors_organisation,
            DeskSettings.parse_hours(settings.counsellors_hours),
            ZoneInfo(settings.counsellors_time_zone),
            timedelta(hours=settings.counsellors_answer_hours),
            timedelta(hours=settings.case_grace_hours),
            timedelta(days=settings.case_retention_days),
            settings.counsellors_language,
            settings.counsellors_messages_per_minute,
            settings.case_block_days,
        ),
        services.clock,
        relays,
        blocks=CounsellorBlockStore(services.database, services.pseudonyms),
        translate=translator(services.i18n),
        figures=DeskFigures(
            services.stores.desk_figures,
            services.stores.counsellor_cases,
            services.stores.staff_audit,
            services.unlinked,
            services.clock,
        ),
        limit=shared.case_limits if shared else None,  # one count for every worker
    )
    return desk


def _bulk_deliveries(
    settings: Settings, services: Services, bot: Bot, bulk_bot: Bot, shared: "SharedState | None"
) -> tuple[ReminderDispatcher, Broadcaster]:
    """Reminders and broadcasts: one sender, so the two together keep to Telegram's limits."""
    stores, content, i18n = services.stores, services.content, services.i18n
    sender = BulkSender(
        bulk_delivery(bulk_bot),
        messages_per_second=settings.bulk_messages_per_second,
        seconds_per_chat=settings.bulk_seconds_per_chat,
        shared=shared.send_slots if shared else None,
    )
    batches = claims(settings)  # short leases where another scheduler may have to take over
    reminders = ReminderDispatcher(
        stores.reminders,
        sender,
        lambda entry, plain: delivered_message(entry, content.current, i18n, plain),
        services.clock,
        recorder=services.recorder,
        batch_size=batches.reminders,
        lease_seconds=batches.lease_seconds,
        plain_texts=stores.users.with_plain_reminders,
    )
    broadcaster = Broadcaster(
        stores.broadcasts,
        stores.reminders,
        sender,
        broadcast_progress(bot),
        services.clock,
        batch_size=batches.broadcast,
        lease_seconds=batches.lease_seconds,
    )
    return reminders, broadcaster


@asynccontextmanager
async def application(settings: Settings, clock: Clock | None = None) -> AsyncIterator[Application]:
    """Everything the bot needs, opened in order and closed in reverse."""
    share_one_malloc_arena()  # before the database's thread starts
    clock = clock or SystemClock()
    i18n = load_i18n()
    content = _content(settings, i18n, clock)  # broken content stops the start before the database is touched
    async with AsyncExitStack() as opened:
        database = await opened.enter_async_context(_opened_database(settings))
        keys = await unlock(KeyFingerprints(database), key_sources(settings), settings.db_path.parent)
        pseudonyms = Pseudonymizer(keys.pseudonym)
        shared = None
        if settings.redis_url is not None:
            from bot.runtime.shared_state import open_shared_state  # the Redis client is loaded only when used

            shared = await open_shared_state(settings, database, pseudonyms, durable_part)
            if shared is not None:
                opened.push_async_callback(shared.close)
        services = _services(settings, content, i18n, database, keys, pseudonyms, clock, shared=shared is not None)
        heartbeat = Heartbeat()
        bot = await opened.enter_async_context(_bot(settings, heartbeat=heartbeat))
        bulk_bot = await opened.enter_async_context(_bot(settings, retry=False))
        recent_messages = RecentMessages(services.pseudonyms.user_key)
        for session in (bot.session, bulk_bot.session):
            session.middleware(NoticeSentMessages(recent_messages.sent))
        desk = _desk(settings, services, bot, bulk_bot, shared)
        dispatcher = create_dispatcher(
            services,
            flood=(settings.flood_updates_per_second, settings.flood_burst),
            shared=shared,
            max_in_flight=settings.max_updates_in_flight,
            desk=desk,
        )
        dispatcher["recent_messages"] = recent_messages
        dispatcher["pictures"] = PictureText(  # photos of job adverts, read with Tesseract where installed
            PictureReader.found(
                settings.advert_ocr_command, settings.advert_ocr_timeout_seconds, settings.advert_ocr_workers
            )
        )
        dispatcher["advert_albums"] = AdvertAlbums()  # an album of an advert's pictures answered once
        dispatcher["report_retention_days"] = settings.report_retention_days  # /privacy says it
        reminders, broadcaster = _bulk_deliveries(settings, services, bot, bulk_bot, shared)
        yield Application(
            **vars(services),  # the application is the shared services and what runs them
            settings=settings,
            bot=bot,
            dispatcher=dispatcher,
            heartbeat=heartbeat,
            reminders=reminders,
            broadcaster=broadcaster,
            retention=Retention(
                services.stores.reports, services.clock, settings.report_retention_days, services.stores.advert_checks
            ),
            shared=shared,
            desk=desk,
        )


YOUNG_COLLECTION_THRESHOLD = 50_000
"""Objects allocated and not yet freed that start a collection of the youngest generation
(Python's default: 700). An update under way keeps a few hundred objects alive (its models, its
middlewares' frames, its Bot API calls), and MAX_UPDATES_IN_FLIGHT of them at once are tens of
thousands: with 700, collections ran many times a second and found nothing (under
scripts/bench_load.py's load, 0 objects collected in 1,800 collections, 12% of the bot's CPU). With
this, they come once the live objects grew by this many or cyclic garbage (an exception's
traceback, say) added up to it: in the same load, 2 collections and 0.4% of the CPU. The price:
up to about 5 MB of cyclic garbage may wait for its collection (scripts/README.md)."""


def settle_memory(*models_used: type[BaseModel]) -> None:
    """Move everything loaded at start-up (aiogram's models, the content) out of the garbage
    collector's sight: it never becomes garbage, and scanning it again and again cost time per
    update and the worst pauses under load (scripts/bench_load.py: about a quarter more updates/s
    together with the remembered keyboards). Then collect only when something can have become
    garbage (YOUNG_COLLECTION_THRESHOLD). aiogram's models every update uses (and `models_used`)
    are built first, to be frozen with the rest; handled updates are not kept (`keep_no_handled_updates`)."""
    build_models_every_update_uses(*models_used)
    keep_no_handled_updates()
    gc.collect()
    gc.freeze()
    _return_freed_memory()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, older, oldest)


def _return_freed_memory() -> None:
    """Hand back to the system what start-up freed: glibc keeps freed heap pages (the content's
    parsed YAML, the import machinery's leftovers) mapped unless asked with `malloc_trim`, about
    1 to 2 MB of the bot's resident memory for as long as it ran (scripts/README.md). Other C
    libraries (musl) have no `malloc_trim`: nothing to do there."""
    try:
        ctypes.CDLL(None).malloc_trim(0)  # the C library the interpreter itself runs on
    except (OSError, AttributeError):
        log.debug("malloc_trim is not available: freed memory stays with the process")


M_ARENA_MAX = -8
"""glibc's mallopt parameter for the most malloc arenas a process makes (malloc.h)."""


def share_one_malloc_arena() -> None:
    """Threads started from now on allocate from the arenas already there instead of one of their
    own each: glibc gives every thread that allocates its own arena (up to eight per core), and the
    database's thread (aiosqlite) had one of 1.4 to 2.6 MB under load beside the main arena's free
    space; sharing it, the load benchmark's peak was about 1.5 MB lower (scripts/README.md, issue
    34's ninth round). The price is the shared arena's lock when SQLite allocates while the event
    loop does (glibc's per-thread cache serves most small blocks without it), not measurable on a
    loaded machine (scripts/README.md). An operator's MALLOC_ARENA_MAX is left as set; other C libraries
    (musl) have no mallopt."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        log.debug("mallopt is not available: each thread may get a malloc arena of its own")
