"""Each chat's updates one after the other, and a chat that has to wait holds one slot, not many.

MAX_UPDATES_IN_FLIGHT slots are shared by every chat. An update used to wait for its chat's lock
inside a slot (aiogram's polling takes the slot before an update starts; the lock is taken
inside): Telegram answers a second message to one chat within a second with 429, the reply waits
it out holding the chat, and every further update of that person took a slot to wait in, until
none was left and nobody else was answered.

Here the first update of an idle chat takes a slot and is handled. One that comes while its chat
is busy waits in the chat's queue holding nothing: the update under way handles it next, in the
order it came, in its own slot. A queue takes QUEUED_PER_CHAT updates; more are dropped (a button
press still answered), except those the keep rule keeps (kept_updates.py: an album's pictures), up
to KEPT_PER_CHAT, beyond which the person is told that something they sent did not get through.
A chat is forgotten with its last update, as its lock is (chat_locks.py says why).

Placed after the guards, so a flooder's refused updates never take a place, and before aiogram's
FSM middleware, which takes the chat's lock: in this process nothing waits for it any more.
"""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.dispatcher.middlewares.error import ErrorsMiddleware
from aiogram.dispatcher.middlewares.user_context import EVENT_CONTEXT_KEY, EventContext
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update, User
from aiogram.utils.i18n import I18n

from bot.i18n.messages import NOT_DELIVERED
from bot.middlewares.kept_updates import KeptUpdates
from bot.middlewares.locale import language_from_client
from bot.middlewares.update_guards import answer_press
from bot.observability.metrics import CHAT_QUEUE_REFUSED

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
ChatKey = tuple[int, int | None]

QUEUED_PER_CHAT = 3
"""Updates that may wait behind the one under way: a long text pasted at once, which Telegram
splits into messages of 4096 characters, still arrives whole if it is four of them."""
KEPT_PER_CHAT = 20
"""Updates the keep rule keeps that may wait behind the one under way: two full albums."""


class Queued:
    """What handling returns for an update left waiting behind its chat's: polling goes on at once;
    the webhook awaits `handled` before it answers Telegram (True once handled, False if it failed;
    cancelled if the process stopped first)."""

    __slots__ = ("handled",)

    def __init__(self, handled: "asyncio.Future[bool]") -> None:
        self.handled = handled


@dataclass(slots=True, eq=False)
class _Waiting:
    handler: Handler
    event: Update
    data: dict[str, Any]
    handled: "asyncio.Future[bool]"


class _Chat:
    __slots__ = ("dropped", "untold", "waiting")

    def __init__(self) -> None:
        self.waiting: deque[_Waiting] = deque()
        self.untold: tuple[Bot, Chat | None, User | None] | None = None
        """Whom to tell, once the queue is done, that something they sent did not get through."""
        self.dropped = 0


class ChatQueues(BaseMiddleware):
    """`slots`: updates handled at once (None: no limit here). Polling also takes one of as many
    before an update starts (aiogram's `tasks_concurrency_limit`, which keeps it from fetching
    more): an update left waiting returns it at once. The webhook has only these."""

    def __init__(
        self,
        errors_to: Router,
        keep: KeptUpdates,
        i18n: I18n,
        slots: int | None = None,
        queued: int = QUEUED_PER_CHAT,
        kept: int = KEPT_PER_CHAT,
    ) -> None:
        self._errors = ErrorsMiddleware(errors_to)  # a waiting update's error goes where any update's goes
        self._keep = keep
        self._i18n = i18n
        self._slots = asyncio.Semaphore(slots) if slots is not None else None
        self._queued = queued
        self._kept = max(kept, queued)
        self._chats: dict[ChatKey, _Chat] = {}
        self.dropped = 0
        """Updates dropped so far because their chat's queue was full."""
        self.undelivered = 0
        """Kept updates refused so far because their chat's queue was full (the person was told)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        key = _chat_key(data)
        if key is None:
            async with self._slot():
                return await handler(event, data)
        chat = self._chats.get(key)
        if chat is not None and len(chat.waiting) >= self._queued:
            kept = await self._keep(event)
            chat = self._chats.get(key)  # the chat may have gone idle meanwhile
            if chat is not None and len(chat.waiting) >= (self._kept if kept else self._queued):
                await self._refuse(chat, kept, event, data)
                return None
        if chat is not None:
            waiting = _Waiting(handler, event, data, asyncio.get_running_loop().create_future())
            chat.waiting.append(waiting)
            return Queued(waiting.handled)
        chat = self._chats[key] = _Chat()
        try:
            async with self._slot():
                try:
                    result = await handler(event, data)
                except Exception:
                    await self._drain(key, chat)
                    raise
                await self._drain(key, chat)
                return result
        finally:
            if self._chats.get(key) is chat:  # cancelled: what still waits is abandoned
                del self._chats[key]
                for waiting in chat.waiting:
                    waiting.handled.cancel()

    def _slot(self) -> AbstractAsyncContextManager[Any]:
        return self._slots if self._slots is not None else contextlib.nullcontext()

    async def _drain(self, key: ChatKey, chat: _Chat) -> None:
        """Handles what waits behind the update just handled, in order, then tells the person what
        did not get through. Returns with the chat forgotten: nothing can join it after the last look."""
        while True:
            if chat.waiting:
                await self._handle(chat.waiting.popleft())
            elif chat.untold is not None:
                untold, chat.untold = chat.untold, None
                await self._tell(*untold)
            else:
                break
        del self._chats[key]
        if chat.dropped:
            log.info("a chat sent faster than it could be answered: %d update(s) dropped", chat.dropped)

    async def _handle(self, waiting: _Waiting) -> None:
        try:
            await self._errors(waiting.handler, waiting.event, waiting.data)
        except Exception as error:  # what the errors router did not take: the chat's queue goes on
            log.error("update %d could not be handled (%s)", waiting.event.update_id, type(error).__name__,
                      exc_info=error)  # fmt: skip
            waiting.handled.set_result(False)
        else:
            waiting.handled.set_result(True)
        finally:
            if not waiting.handled.done():
                waiting.handled.cancel()

    async def _refuse(self, chat: _Chat, kept: bool, event: Update, data: dict[str, Any]) -> None:
        bot: Bot = data["bot"]
        if kept:
            self.undelivered += 1
            CHAT_QUEUE_REFUSED.labels("undelivered").inc()
            chat.untold = (bot, data.get("event_chat"), data.get("event_from_user"))
            log.warning("a chat sent more than %d updates that must be kept at once; the person is told", self._kept)
        else:
            self.dropped += 1
            chat.dropped += 1
            CHAT_QUEUE_REFUSED.labels("dropped").inc()
        await answer_press(bot, event)

    async def _tell(self, bot: Bot, chat: Chat | None, user: User | None) -> None:
        if chat is None or chat.type != ChatType.PRIVATE:
            return
        try:
            await bot.send_message(chat.id, self._i18n.gettext(NOT_DELIVERED, locale=language_from_client(user)))
        except TelegramAPIError as error:
            log.info("could not tell a person that something they sent did not get through: %s", error)

    def chats_under_way(self) -> int:
        """Chats with an update being handled (or waiting for a slot)."""
        return len(self._chats)

    def waiting(self) -> int:
        """Updates waiting behind their chat's, in all chats."""
        return sum(len(chat.waiting) for chat in self._chats.values())

    def waiting_in(self, chat_id: int, user_id: int | None) -> list[Update]:
        """The updates waiting behind the one under way in a chat, in order (an album's later pictures)."""
        chat = self._chats.get((chat_id, user_id))
        return [waiting.event for waiting in chat.waiting] if chat is not None else []


def _chat_key(data: dict[str, Any]) -> ChatKey | None:
    """The chat and the person, as the FSM's lock tells them apart (a person's inline query goes
    with their private chat); None for an update from nobody in no chat."""
    context: EventContext | None = data.get(EVENT_CONTEXT_KEY)
    if context is None:
        return None
    chat_id = context.chat_id if context.chat_id is not None else context.user_id
    return None if chat_id is None else (chat_id, context.user_id)
