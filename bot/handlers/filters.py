"""The message filters the routers share, as coroutines.

aiogram runs any filter that is not a coroutine (magic `F` filters and bare `State`s included) in
a worker thread: a thread hop for every router a message passes. States are checked with
`StateFilter`, which is a coroutine. A typed word passes about ten of them, and under
load those hops made a typed message four times slower to answer than a button tap
(scripts/bench_load.py). These do the same checks without leaving the event loop.
"""

from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import Message


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
