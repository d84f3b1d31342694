"""The Telegram models every update uses, built before start-up's memory is frozen.

aiogram's models are built on first use (bot/common/telegram_models_on_demand.py): without this,
the first updates after a start would build them (about 0.1 s, EditMessageText's alone 60 ms),
and what they build would sit outside `gc.freeze()`'s set. These are the ones a default setup
used under scripts/bench_load.py's load; any other is built the first time it is needed.
"""

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from pydantic import BaseModel

from bot.transport.answer_types import answer_types

EVERY_UPDATES_MODELS: tuple[type[BaseModel], ...] = (
    InlineKeyboardMarkup,
    InlineKeyboardButton,
    LinkPreviewOptions,
    AnswerCallbackQuery,
    EditMessageText,
    EditMessageReplyMarkup,
    SendMessage,
)


def build_models_every_update_uses(*also: type[BaseModel]) -> None:
    """Build each model (and `also`: the webhook reads each update with `Update`'s model, long
    polling within getUpdates' answer), and the model of the Bot API's answer to each method."""
    for model in (*EVERY_UPDATES_MODELS, *also):
        model.model_rebuild()
        returning: Any = getattr(model, "__returning__", None)
        if returning is not None:
            _ANSWER_MODELS.extend(Response[read_as] for read_as in answer_types(returning))  # type: ignore[valid-type]


_ANSWER_MODELS: list[type[Response[Any]]] = []
"""The answers' models, built and kept: pydantic caches a `Response[...]` weakly, and one dropped
here was garbage before the first update, which built it again (2.9 MB each time)."""


def keep_no_handled_updates() -> None:
    """aiogram caches `Update.event_type` with an `lru_cache` keyed on the update itself, so the last
    128 updates stay in memory long after they were handled, each with the message its button was on
    (text and keyboard, as Telegram sends it): about 2.3 MiB for 128 presses on lesson screens. The
    lookup is a few attribute reads, done each time instead."""
    cached = Update.__dict__["event_type"]
    lookup = getattr(cached.fget, "__wrapped__", None)
    if lookup is None:  # an aiogram without the cache
        return
    cached.fget.cache_clear()
    Update.event_type = property(lookup)  # type: ignore[assignment]
