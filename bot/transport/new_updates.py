"""getUpdates read without the updates the poller already holds.

Safar's polling confirms an update only once it is handled (bot/runtime/confirmed_polling.py), so
every getUpdates hands out again the updates still under way: under load, most of a batch. aiogram
reads a whole reply into its models (pydantic validation of every update, the costliest part of
reading it); updates the poller already holds are left out of the reply before that.
"""

from collections.abc import Callable, Container
from typing import Any, Self

from aiogram.methods import GetUpdates
from pydantic import PrivateAttr


class GetNewUpdates(GetUpdates):
    """`getUpdates`, sent as aiogram's; its reply is read without the updates in `held`."""

    _held: Container[int] = PrivateAttr(default_factory=frozenset)
    _handed_out: int = PrivateAttr(default=0)

    def leaving_out(self, held: Container[int]) -> Self:
        """The update ids to leave unread (a live container: consulted when the reply arrives)."""
        self._held = held
        return self

    @property
    def handed_out(self) -> int:
        """How many updates Telegram's last reply held, the ones left out included: a full window
        of held updates means nothing newer can come until they are confirmed."""
        return self._handed_out

    def without_held(self, content: str, loads: Callable[..., Any], dumps: Callable[..., str]) -> str:
        """The reply's text with the held updates taken out of its result (unchanged when none is
        held, or when it is not a list of updates: an error, read by aiogram as usual)."""
        try:
            data = loads(content)
        except ValueError:  # not JSON (a proxy's error page): aiogram reports it as it always did
            return content
        result = data.get("result") if isinstance(data, dict) else None
        if not isinstance(result, list):
            return content
        self._handed_out = len(result)
        new = [item for item in result if not (isinstance(item, dict) and item.get("update_id") in self._held)]
        if len(new) == len(result):
            return content
        return dumps({**data, "result": new})
