"""The counsellors' desk: a person talks to the NGO's counsellors through Safar, anonymously.

Each case gets a topic in the counsellors' group, named by its number, language and, if the person
gave one, their passport country only. The
person's messages are copied there (a copy carries no sender, a forward would), and counsellors'
messages in the topic are copied back. Nothing of a message is stored; the link between a case and
the person's chat lives in `CounsellorCaseStore` while the case is open and for a grace period.

The Telegram side is a `DeskTelegram` given by the wiring, so this module needs no aiogram.
"""

import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.common.clock import Clock
from bot.content.rendering import Translate
from bot.services.case_replies import CaseReplies
from bot.services.counsellor_relays import RelayQueue
from bot.services.desk_figures import DeskFigures
from bot.storage.stores.counsellor_blocks import CounsellorBlockStore
from bot.storage.stores.counsellor_cases import CounsellorCaseStore, OpenCase

log = logging.getLogger(__name__)


MAX_BLOCK_DAYS = 30
"""The longest block: a block outlives /forget, so it must end by itself, and soon."""


class DeskUnavailable(Exception):
    """Telegram refused a call into the counsellors' group: the bot lost its rights there."""


class DeskTelegram(Protocol):
    """Topics in the counsellors' group; what Safar writes there goes through the relay queue."""

    async def create_topic(self, name: str) -> int: ...

    async def delete_topic(self, topic_id: int) -> None: ...


@dataclass(frozen=True)
class DeskSettings:
    group_id: int
    """The counsellors' group (COUNSELLORS_CHAT_ID)."""
    organisation: str
    hours: tuple[int, int]
    """Working hours (start, end) in `time_zone`, Monday to Friday."""
    time_zone: ZoneInfo
    answer_within: timedelta
    grace: timedelta
    retention: timedelta
    language: str = "ru"
    """What Safar writes in the group is in this language (COUNSELLORS_LANGUAGE)."""
    messages_per_minute: int = 10
    """A person in a case is relayed this many messages a minute (COUNSELLORS_MESSAGES_PER_MINUTE)."""
    block_days: int = 7
    """`/block` without a number (CASE_BLOCK_DAYS); at most MAX_BLOCK_DAYS."""

    @classmethod
    def parse_hours(cls, text: str) -> tuple[int, int]:
        start, end = text.split("-")
        return int(start), int(end)


@dataclass(frozen=True)
class Opened:
    case_id: int
    in_hours: bool


def desk_open(desk: "CounsellorDesk | None") -> bool:
    """ "Talk to a person" is shown only with a counsellors' group that still lets Safar in."""
    return desk is not None and desk.available


def topic_name(case_id: int, language: str, country: str | None) -> str:
    """What the group learns of a case from its topic: the number, the language, the passport country."""
    return " · ".join(part for part in (f"#{case_id}", language.upper(), country) if part)


class CaseLimit(Protocol):
    """At most COUNSELLORS_MESSAGES_PER_MINUTE of one case's messages are relayed in any minute; the
    rest are refused (the person is told which). An album's pictures count as one message."""

    async def allow(self, case_id: int, album: str | None = None) -> bool: ...

    async def forget(self, case_id: int) -> None: ...


class RelayLimit:
    """`CaseLimit` kept in this process, by case number, on the desk's clock; with REDIS_URL every
    process shares one count instead (bot/storage/redis/case_limits.py)."""

    def __init__(self, per_minute: int, clock: Clock) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._sent: dict[int, deque[tuple[datetime, str | None]]] = {}

    async def allow(self, case_id: int, album: str | None = None) -> bool:
        """`album`: the pictures of one album count as one message (Telegram sends one update each)."""
        now = self._clock.now()
        recent = self._sent.setdefault(case_id, deque())
        while recent and now - recent[0][0] >= timedelta(minutes=1):
            recent.popleft()
        if album is not None and any(seen == album for _, seen in recent):
            return True
        if len(recent) >= self._per_minute:
            return False
        recent.append((now, album))
        return True

    async def forget(self, case_id: int) -> None:
        self._sent.pop(case_id, None)


class CounsellorDesk:
    """Opening, relaying and closing cases; `available` turns False when the group refuses Safar."""

    def __init__(
        self,
        store: CounsellorCaseStore,
        telegram: DeskTelegram,
        settings: DeskSettings,
        clock: Clock,
        relays: RelayQueue,
        *,
        blocks: CounsellorBlockStore | None = None,
        translate: Translate | None = None,
        figures: DeskFigures | None = None,
        limit: CaseLimit | None = None,
    ):
        self._store = store
        self.relays = relays
        """Copies both ways go through this queue (bot/services/counsellor_relays.py)."""
        self._telegram = telegram
        self.settings = settings
        self._clock = clock
        self.figures = figures
        """What cases go through, counted unlinked (services/desk_figures.py); None: not counted."""
        self._blocks = blocks
        self._translate: Translate = translate or (lambda _language, msgid: msgid)
        self.limit: CaseLimit = limit or RelayLimit(settings.messages_per_minute, clock)
        self.told_not_counsellor: set[tuple[int, int]] = set()
        """(topic, staff id) already told their messages there are not relayed: told once."""
        self.replies = CaseReplies(clock)
        """What the person is answered while their case is open (services/case_replies.py)."""
        self.available = True

    def gettext(self, msgid: str) -> str:
        """A message for the counsellors' group, in its language (COUNSELLORS_LANGUAGE)."""
        return self._translate(self.settings.language, msgid)

    def in_hours(self, now: datetime | None = None) -> bool:
        local = (now or self._clock.now()).astimezone(self.settings.time_zone)
        start, end = self.settings.hours
        return local.weekday() < 5 and time(start) <= local.time() < (time(end) if end < 24 else time.max)

    def waits_from(self, opened: datetime) -> datetime:
        """When a case opened at `opened` starts waiting for an answer: then, in working hours; else at
        the next opening (a case opened on Friday night waits from Monday morning)."""
        if self.in_hours(opened):
            return opened
        local = opened.astimezone(self.settings.time_zone)
        start = time(self.settings.hours[0])
        for days in range(8):
            opening = datetime.combine(local.date() + timedelta(days=days), start, tzinfo=self.settings.time_zone)
            if opening > local and opening.weekday() < 5:
                return opening
        return opened  # no working day at all: cannot happen with Monday to Friday

    def now(self) -> datetime:
        return self._clock.now()

    def back_at(self) -> datetime | None:
        """When counsellors are back at work, in the desk's time zone; None while they are at work."""
        now = self._clock.now()
        return None if self.in_hours(now) else self.waits_from(now)

    async def case_of(self, user_key: str) -> OpenCase | None:
        """The person's open case (a closed one in its grace period is not theirs to write into)."""
        case = await self._store.of_person(user_key)
        return case if case is not None and not case.closed else None

    async def open(self, user_key: str, chat_id: int, language: str, country: str | None = None) -> Opened:
        """A new case and its topic. Raises DeskUnavailable when the group refuses the topic."""
        now = self._clock.now()
        case_id = await self._store.new_case_number(now)
        await self.relays.wait_for_the_groups_turn()  # a new topic is a message in the group too
        try:
            topic_id = await self._telegram.create_topic(topic_name(case_id, language, country))
        except DeskUnavailable:
            await self._store.drop_case_number(case_id)
            self.available = False
            raise
        await self._store.open(user_key, chat_id, case_id, topic_id, language)
        if self.figures is not None:
            self.figures.opened(user_key)
        log.info("counsellors: case opened")
        return Opened(case_id, self.in_hours(now))

    async def from_person(self, case: OpenCase, message_id: int) -> None:
        """A message of the person, queued for their case's topic (stored when this returns)."""
        await self.relays.to_topic(case, message_id)

    async def from_counsellor(self, topic_id: int, message_id: int, staff_id: int = 0) -> OpenCase | None:
        """A counsellor's message queued for the person; None when the topic answers no one any more."""
        case = await self._store.of_topic(topic_id)
        if case is None:
            return None
        await self.relays.to_person(case, message_id)
        waited = await self._store.answered(case.case_id, self._clock.now())
        if waited is not None:
            if self.figures is not None:
                self.figures.answered(case.user_key, staff_id, waited)
            log.info("counsellors: first answer")
        return case

    async def case_of_topic(self, topic_id: int) -> OpenCase | None:
        return await self._store.of_topic(topic_id)

    async def is_case_topic(self, topic_id: int) -> bool:
        return await self._store.is_case_topic(topic_id)

    async def close(self, case: OpenCase, *, by_person: bool = False, staff_id: int = 0) -> bool:
        """Closed by the person or a counsellor (`staff_id`); the topic is closed too (kept for the retention)."""
        if not await self._store.close(case, self._clock.now()):
            return False
        self.replies.forget(case.case_id)
        if self.figures is not None:
            self.figures.closed(case.user_key, None if by_person else staff_id)
        await self.relays.case_closed(case, by_person=by_person)  # after the person's last copies
        return True

    async def forget(self, user_key: str) -> None:
        """/forget: an open case ends and its topic goes at once, with every message in it."""
        gone = await self._store.forget(user_key, self._clock.now())
        if gone is None:
            return
        self.replies.forget(gone.case_id)
        if self.figures is not None and not gone.closed:
            self.figures.closed(user_key, None)
        try:
            await self._telegram.delete_topic(gone.topic_id)
        except DeskUnavailable:
            self.available = False
            log.warning("counsellors: a forgotten case's topic could not be deleted; delete it by hand")

    async def housekeeping(self) -> None:
        """Grace periods that ended lose their link, old topics are deleted, overdue cases are told."""
        now = self._clock.now()
        await self._store.end_grace(now, self.settings.grace)
        if self._blocks is not None:
            await self._blocks.end_expired(now)
        for topic in await self._store.expired_topics(now, self.settings.retention):
            try:
                await self._telegram.delete_topic(topic.topic_id)
            except DeskUnavailable:
                self.available = False
                return
            await self._store.topic_deleted(topic.case_id)
        if not self.in_hours(now):
            return  # nobody reads the notice at night: it comes when the desk opens
        overdue = await self._store.overdue(now, self.settings.answer_within, self.waits_from)
        if overdue:
            numbers = ", ".join(f"#{case_id}" for case_id in overdue)
            hours = int(self.settings.answer_within.total_seconds() // 3600)
            await self.relays.tell_group(
                self.gettext("Waiting longer than {hours} h without an answer: {numbers}").format(
                    hours=hours, numbers=numbers
                )
            )

    async def blocked_until(self, user_key: str) -> datetime | None:
        """The end of the counsellors' block on this person, while one holds."""
        if self._blocks is None:
            return None
        return await self._blocks.until(user_key, self._clock.now())

    async def block(self, case: OpenCase, days: int, staff_id: int = 0) -> datetime:
        """A counsellor's block (`staff_id`): the case closes, and its sender opens no new case for `days`."""
        if self._blocks is None:
            raise RuntimeError("the desk was built without a block store")
        until = await self._blocks.block(case.user_key, self._clock.now() + timedelta(days=days))
        await self.close(case, staff_id=staff_id)
        if self.figures is not None:
            self.figures.blocked(case.user_key, staff_id)
        await self.limit.forget(case.case_id)
        log.info("counsellors: a case's sender blocked")
        return until

    async def helped(self, user_key: str, case_id: int, answer: str) -> bool:
        """The person's answer to "Did this help?" after case `case_id` ended: counted the first time
        only, while the case's row lives (its grace period); False for a repeat or a stale button."""
        if not await self._store.answer_helped(user_key, case_id):
            return False
        if self.figures is not None:
            self.figures.helped(user_key, answer)
        return True
