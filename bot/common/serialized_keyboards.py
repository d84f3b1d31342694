"""Keyboards remembered with their JSON: views remember them, the transport sends the JSON as is.

A neutral module, so that views need not import the transport layer nor the transport the views.
"""

import json
from collections import OrderedDict

from aiogram.types import InlineKeyboardMarkup


class SerializedKeyboards:
    """Keyboards that are sent again and again, with the JSON they are sent as, made once.

    A strong reference to each keyboard is kept, so an id can never be reused by another object
    while it is here; the oldest are dropped past `limit`.
    """

    def __init__(self, limit: int = 4096) -> None:
        self._json: OrderedDict[int, tuple[InlineKeyboardMarkup, str]] = OrderedDict()
        self._limit = limit

    def remember(self, markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
        self._json[id(markup)] = (markup, json.dumps(markup.model_dump(exclude_none=True)))
        if len(self._json) > self._limit:
            self._json.popitem(last=False)
        return markup

    def get(self, value: object) -> str | None:
        found = self._json.get(id(value))
        return found[1] if found is not None and found[0] is value else None


KEYBOARDS = SerializedKeyboards()
