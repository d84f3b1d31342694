"""Keyboards remembered with their JSON: views remember them, the transport sends the JSON as is.

A neutral module, so that views need not import the transport layer nor the transport the views.
"""

import json
from collections import OrderedDict
from functools import lru_cache

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


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


@lru_cache(maxsize=8192)
def shared_button(text: str, callback_data: str | None = None, url: str | None = None) -> InlineKeyboardButton:
    """One button object for every remembered keyboard that shows it: "Back" and "Menu" in a
    language, or a lesson's button on several screens. aiogram keeps every field of a button, unset
    ones included (about 1 KB each); across every screen in four languages, half of the buttons
    were copies of another (971 different ones among 1,900). Never changed once made: keyboards
    are shared by every person who sees them already."""
    if url is not None:
        return InlineKeyboardButton(text=text, url=url)
    return InlineKeyboardButton(text=text, callback_data=callback_data)
