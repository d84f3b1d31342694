"""Keyboards remembered with their JSON: views remember them, the transport sends the JSON as is.

A neutral module, so that views need not import the transport layer nor the transport the views.
"""

import json
from collections import OrderedDict
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

_BUTTON_FIELDS = frozenset(InlineKeyboardButton.model_fields)


class KeptButton(dict[str, object]):
    """A remembered keyboard's button as the mapping it is sent as (its text, and its callback data
    or url): about 0.2 KB, where aiogram's model keeps all of its fourteen fields, unset ones
    included (1.1 KB; scripts/README.md, issue 34's ninth round). Read like aiogram's button
    (`button.callback_data`, None when unset); a keyboard built from it validates it into one.
    pydantic warns if such a keyboard is dumped with warnings on: the transport sends the
    remembered JSON, and aiogram's upload form dumps with them off (tests/test_request_bodies.py)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> object:
        if name not in _BUTTON_FIELDS:
            raise AttributeError(name)
        return self.get(name)


class SerializedKeyboards:
    """Keyboards that are sent again and again, with the JSON they are sent as, made once.

    What `remember` returns is a light copy of the keyboard (its buttons as `KeptButton`s), so that
    a screen's keyboard costs its JSON and a few small mappings, not aiogram's models. A strong
    reference to each is kept, so an id can never be reused by another object while it is here;
    the oldest are dropped past `limit`.
    """

    def __init__(self, limit: int = 4096) -> None:
        self._json: OrderedDict[int, tuple[InlineKeyboardMarkup, str]] = OrderedDict()
        self._limit = limit

    def remember(self, markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
        rows = markup.model_dump(exclude_none=True)["inline_keyboard"]
        buttons: Any = [[KeptButton(button) for button in row] for row in rows]  # not validated: sent as JSON
        kept = InlineKeyboardMarkup.model_construct(inline_keyboard=buttons)
        self._json[id(kept)] = (kept, json.dumps({"inline_keyboard": rows}))
        if len(self._json) > self._limit:
            self._json.popitem(last=False)
        return kept

    def get(self, value: object) -> str | None:
        found = self._json.get(id(value))
        return found[1] if found is not None and found[0] is value else None


KEYBOARDS = SerializedKeyboards()


def keyboard_button(text: str, callback_data: str | None = None, url: str | None = None) -> InlineKeyboardButton:
    """A button of a keyboard to be remembered (`KEYBOARDS.remember` keeps it as a `KeptButton`)."""
    if url is not None:
        return InlineKeyboardButton(text=text, url=url)
    return InlineKeyboardButton(text=text, callback_data=callback_data)
