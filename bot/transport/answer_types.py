"""The model each Bot API answer is read with: an edit's answer as the Message or the True it is.

aiogram reads every answer with `Response[method.__returning__]`, a pydantic model built the first
time it is used. The edits (editMessageText, editMessageReplyMarkup) return `Message | bool`, whose
model writes out `Message`'s whole validator once more beside `Response[Message]`'s (sendMessage's
answer): 2.9 MB of resident memory for a model that reads the same JSON into the same objects,
since a Bot API answer is either an object (a Message) or `true` (an inline message's edit). Read
with `Response[Message]` or `Response[bool]`, both built anyway, the union's model is never built.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiogram.methods import TelegramMethod
from aiogram.types import Message

MESSAGE_OR_TRUE: Any = Message | bool


def answer_types(returning: Any) -> tuple[Any, ...]:
    """The types a method's answer is read as: `Message | bool` as either, any other as declared."""
    return (Message, bool) if returning == MESSAGE_OR_TRUE else (returning,)


def _answers_an_object(content: str) -> bool:
    try:
        answer = json.loads(content)
    except ValueError:
        return False  # aiogram's own check raises ClientDecodeError for it
    return isinstance(answer, dict) and isinstance(answer.get("result"), dict)


@contextmanager
def answer_read_as_sent(method_type: type[TelegramMethod[Any]], content: str) -> Iterator[None]:
    """While aiogram's `check_response` reads `content`, a `Message | bool` method declares the
    one type the answer has. `check_response` never awaits, so no other request sees the change."""
    declared = method_type.__dict__.get("__returning__")
    if declared != MESSAGE_OR_TRUE:
        yield
        return
    method_type.__returning__ = Message if _answers_an_object(content) else bool
    try:
        yield
    finally:
        method_type.__returning__ = declared
