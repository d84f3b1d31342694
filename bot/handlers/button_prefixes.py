"""A button press goes only into the routers that know its callback data's prefix.

aiogram tries the routers in order, and in each router every button handler's filters, until
one matches: a press of a button handled near the end of the list (feedback, tools, passport)
unpacked its data with every `CallbackData` class on the way, a failed unpack each, and paid for
each check a copy of the update's data (scripts/bench_load.py, profiled: about fourteen unpacks
per update). A router whose every button handler needs a `CallbackData` class is given one root
filter here, the prefixes of those classes: a press with another prefix passes it at the cost
of one check. Which presses a router handles does not change: `CallbackData.unpack` refuses data
with another prefix, so no handler behind the gate could have matched it.
"""

from aiogram import Router
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.types import CallbackQuery


class ButtonPrefixes(Filter):
    """The press's callback data starts with one of `prefixes` and `separator`."""

    __slots__ = ("prefixes", "separator")

    def __init__(self, prefixes: frozenset[str], separator: str) -> None:
        self.prefixes = prefixes
        self.separator = separator

    async def __call__(self, query: CallbackQuery) -> bool:
        data = query.data
        return data is not None and data.partition(self.separator)[0] in self.prefixes


def button_prefixes(router: Router) -> ButtonPrefixes | None:
    """The prefixes `router` handles, or None when a handler takes presses some other way (no
    filter, a filter of its own) or the router has routers of its own (a root filter would
    close them too)."""
    if router.sub_routers or not router.callback_query.handlers:
        return None
    classes = []
    for handler in router.callback_query.handlers:
        found = [f.callback.callback_data for f in handler.filters or () if isinstance(f.callback, CallbackQueryFilter)]
        if not found:
            return None
        classes.extend(found)
    separators = {cls.__separator__ for cls in classes}
    if len(separators) != 1:
        return None
    return ButtonPrefixes(frozenset(cls.__prefix__ for cls in classes), separators.pop())


def gate_buttons(router: Router) -> Router:
    """Adds the prefix gate to `router` where its handlers allow one; returns the router."""
    gate = button_prefixes(router)
    if gate is not None:
        router.callback_query.filter(gate)
    return router
