"""Guards in front of every handler: an update Telegram delivers twice is handled once, one of a
kind Safar does not know is skipped, and one user sending very fast is slowed down without
slowing anyone else.

Both are outer middlewares on the dispatcher's `update` observer, so a refused update costs no
database access at all.
"""

import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update, User
from aiogram.types.update import UpdateTypeLookupError
from aiogram.utils.i18n import I18n

from bot.i18n.messages import SLOW_DOWN
from bot.middlewares.kept_updates import KeptUpdates
from bot.middlewares.locale import language_from_client

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

REMEMBERED_UPDATES = 10_000
"""Telegram retries a webhook call within minutes: this many recent update ids is plenty."""


class DuplicateUpdates(BaseMiddleware):
    """Skips an update whose `update_id` was handled recently (a webhook call Telegram retried)."""

    def __init__(self, remembered: int = REMEMBERED_UPDATES) -> None:
        self._seen: set[int] = set()
        self._order: deque[int] = deque()
        self._remembered = remembered

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        if event.update_id in self._seen:
            log.info("update %d was already handled; skipped", event.update_id)
            return None
        self._seen.add(event.update_id)
        self._order.append(event.update_id)
        if len(self._order) > self._remembered:
            self._seen.discard(self._order.popleft())
        return await handler(event, data)


class UnknownUpdates(BaseMiddleware):
    """Skips updates of a kind this aiogram version does not know (or could not read), quietly.

    aiogram would warn with the whole update printed, message text included; Safar logs no text.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        try:
            event.event_type  # noqa: B018 (raises for an update of no known kind)
        except UpdateTypeLookupError:
            log.info("update %d is of a kind Safar does not handle; skipped", event.update_id)
            return None
        return await handler(event, data)


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned: bool = False


class SharedFloodBuckets(Protocol):
    """The buckets kept where every worker sees them (bot/storage/redis/flood_buckets.py), so a user whose
    updates are spread over N workers gets the limit once, not N times."""

    async def take(self, user_id: int) -> tuple[bool, bool]:
        """(whether the update may go on, whether this refusal is the first of a flood)."""

    async def unwarn(self, user_id: int) -> None:
        """The first refusal of a flood was let through after all: the next one is told to slow down."""


async def answer_press(bot: Bot, event: Update) -> None:
    """A dropped button press is still answered, so the phone stops spinning."""
    if event.callback_query is None:
        return
    try:
        await bot.answer_callback_query(event.callback_query.id)
    except TelegramAPIError as error:
        log.info("could not answer a dropped button press: %s", error)


class FloodGuard(BaseMiddleware):
    """A token bucket per user: `burst` updates at once, then `rate` a second.

    Updates over the limit are dropped (a button press is still answered, so the phone stops
    spinning) and the user gets one polite notice per flood; it can come again after the user
    has been calm long enough for the bucket to refill. The buckets are this process's, or
    `shared` ones with REDIS_URL. An update the `keep` rule keeps is never dropped here (an album
    counts against the rate, but none of its pictures is lost to it).
    """

    def __init__(
        self,
        i18n: I18n,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        tracked: int = 50_000,
        shared: SharedFloodBuckets | None = None,
        keep: KeptUpdates | None = None,
    ) -> None:
        self._shared = shared
        self._keep = keep
        self._i18n = i18n
        self._rate = rate
        self._burst = burst
        self._clock = clock
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()
        self._tracked = tracked

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        allowed, first_refusal = await self._shared.take(user.id) if self._shared else self._take(user.id)
        assert isinstance(event, Update)
        if allowed:
            return await handler(event, data)
        if self._keep is not None and await self._keep(event):
            if first_refusal:  # nobody was told: the notice is kept for the next refusal
                await self._shared.unwarn(user.id) if self._shared else self._unwarn(user.id)
            return await handler(event, data)
        await self._refuse(event, user, data.get("event_chat"), data["bot"], first_refusal)
        return None

    def _take(self, user_id: int) -> tuple[bool, bool]:
        now = self._clock()
        bucket = self._buckets.pop(user_id, None) or _Bucket(float(self._burst), now)
        self._buckets[user_id] = bucket  # most recent last, so the calmest are dropped first
        bucket.tokens = min(float(self._burst), bucket.tokens + (now - bucket.updated) * self._rate)
        bucket.updated = now
        if bucket.tokens >= float(self._burst):
            bucket.warned = False  # calm again: a new flood gets a new notice
        if len(self._buckets) > self._tracked:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True, False
        first_refusal, bucket.warned = not bucket.warned, True
        return False, first_refusal

    def _unwarn(self, user_id: int) -> None:
        bucket = self._buckets.get(user_id)
        if bucket is not None:
            bucket.warned = False

    async def _refuse(self, event: Update, user: User, chat: Chat | None, bot: Bot, first_refusal: bool) -> None:
        notice = self._i18n.gettext(SLOW_DOWN, locale=language_from_client(user)) if first_refusal else None
        await answer_press(bot, event)
        try:
            if notice is not None and chat is not None and chat.type == "private":
                log.info("a user is sending too fast; their updates are dropped for a moment")
                await bot.send_message(chat.id, notice)
        except TelegramAPIError as error:
            log.info("could not tell a fast user to slow down: %s", error)
