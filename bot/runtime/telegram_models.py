"""The Telegram models every update uses, built before start-up's memory is frozen.

aiogram's models are built on first use (bot/common/telegram_models_on_demand.py): without this,
the first updates after a start would build them (about 0.1 s, EditMessageText's alone 60 ms),
and what they build would sit outside `gc.freeze()`'s set. These are the ones a default setup
used under scripts/bench_load.py's load; any other is built the first time it is needed.
"""

from typing import Any

from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.methods.base import Response
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from pydantic import BaseModel

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
            Response[returning].model_rebuild()
