"""The filters the routers share, as coroutines: kinds of message, and the lesson screen a button names.

aiogram runs any filter that is not a coroutine (magic `F` filters and bare `State`s included) in
a worker thread: a thread hop for every router a message passes. States are checked with
`StateFilter`, which is a coroutine. A typed word passes about ten of them, and under
load those hops made a typed message four times slower to answer than a button tap
(scripts/bench_load.py). These do the same checks without leaving the event loop.
"""

from typing import Protocol

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.content import NodeId
from bot.content.rendering import Citizenship
from bot.handlers.callback_data import AnswerCheck
from bot.services.content_holder import ContentHolder


class PrivateChat(Filter):
    """Only one-to-one chats: Safar does not talk in groups or channels."""

    async def __call__(self, message: Message) -> bool:
        return message.chat.type == ChatType.PRIVATE


class TypedText(Filter):
    """Text the user typed, not a command."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and not message.text.startswith("/")


class NoText(Filter):
    """A photo, sticker, voice message ... where text was asked for."""

    async def __call__(self, message: Message) -> bool:
        return message.text is None


class NodeButton(Protocol):
    """Button data that names a lesson screen by its short ref."""

    ref: str


class NodeFromButton(Filter):
    """The lesson screen a button names, handed to the handler as `node`.

    A screen that is gone (the content changed since the message was sent) or never was (forged
    data) does not match: the press falls through to the fallback router, which answers it once
    with "this menu has changed" and the current menu. Register it after the button's own filter:
    `router.callback_query.register(handler, OpenNode.filter(), NodeFromButton())`.
    """

    async def __call__(
        self, query: CallbackQuery, callback_data: NodeButton, content: ContentHolder
    ) -> dict[str, NodeId] | bool:
        node = content.current.curriculum.by_ref(callback_data.ref)
        return {"node": node} if node is not None else False


class QuestionFromButton(Filter):
    """A check's question and one of its answers, handed to the handler as `question`; an
    answer the question no longer has falls through to the stale answer like NodeFromButton."""

    async def __call__(
        self, query: CallbackQuery, callback_data: AnswerCheck, content: ContentHolder
    ) -> dict[str, NodeId] | bool:
        curriculum = content.current.curriculum
        question = curriculum.by_answers_ref(callback_data.ref)
        if question is None or callback_data.index >= len(curriculum.node(question).answers):
            return False
        return {"question": question}


class ContactOnScreen(NodeButton, Protocol):
    index: int
    """Which of the screen's callable contacts; -1 when the user has not said yet."""


class CalledContactFromButton(Filter):
    """A screen with contacts to call and the contact a button names, handed to the handler as
    `node` and `contacts`; a screen or contact that is gone falls through like NodeFromButton."""

    async def __call__(
        self,
        query: CallbackQuery,
        callback_data: ContactOnScreen,
        content: ContentHolder,
        passport_country: Citizenship = None,
    ) -> dict[str, object] | bool:
        loaded = content.current
        node = loaded.curriculum.by_ref(callback_data.ref)
        contacts = loaded.engine.callable_contacts(node, passport_country) if node else ()
        if node is None or not contacts or callback_data.index >= len(contacts):
            return False
        return {"node": node, "contacts": contacts}
