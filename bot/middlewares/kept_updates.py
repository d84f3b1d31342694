"""The one rule for updates that must not be lost when a person sends fast.

The flood guard and each chat's queue (update_guards.py, chat_queues.py) drop what comes too fast;
before dropping an update, both ask this rule. An album comes as one update per picture, all at
once: dropping some would lose pictures the person believes were sent. The counsellors' desk adds
its rule (`desk_messages`) from the wiring: what a person sends in an open case, and what
counsellors write in the counsellors' group, must all arrive.
"""

from collections.abc import Awaitable, Callable

from aiogram.types import Update

from bot.services.counsellor_desk import CounsellorDesk

KeepRule = Callable[[Update], Awaitable[bool]]
"""True for an update that must reach its handler. Asked only when it would be dropped, so a
rule may read storage."""


async def in_album(update: Update) -> bool:
    """A picture (or video, or file) sent together with others: they share one media_group_id."""
    return update.message is not None and update.message.media_group_id is not None


class KeptUpdates:
    def __init__(self, *rules: KeepRule) -> None:
        self._rules = list(rules)

    def add(self, rule: KeepRule) -> None:
        self._rules.append(rule)

    async def __call__(self, update: Update) -> bool:
        for rule in self._rules:
            if await rule(update):
                return True
        return False


def desk_messages(desk: CounsellorDesk, user_key: Callable[[int], str]) -> KeepRule:
    """Messages of the counsellors' group, and of a person whose case is open."""

    async def kept(update: Update) -> bool:
        message = update.message
        if message is None or message.from_user is None:
            return False
        if message.chat.id == desk.settings.group_id:
            return True
        return message.chat.type == "private" and await desk.case_of(user_key(message.from_user.id)) is not None

    return kept
