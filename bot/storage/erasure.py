"""What is erased about one person, and in which order: the one list `/forget`, `/stop`, a blocked
chat and a key rotation all delete by.

Several processes may share a PostgreSQL database, and two units of work that delete the same rows
in opposite orders deadlock. So every unit of work that deletes a person's rows takes them in the
order of `PERSONAL_TABLES`: first the roll-up watermark when raw events are among them (the
roll-up deletes events by hour while holding it), then each table as listed here. A delivery
deletes in this order too: a reminder or broadcast row first, the chat it went to after.

A new table with rows about one person (by `user_key`) is one line in `PERSONAL_TABLES`, at the
place its deletions take in that order.
"""

from dataclasses import dataclass

from bot.storage.backends.sqlite import Database
from bot.storage.stores.events import hold_watermark


@dataclass(frozen=True)
class PersonalTable:
    name: str
    goes_with_the_chat: bool = False
    """Rows that exist only to reach the person's chat: they go when the chat id goes (`/stop`,
    a blocked bot, nothing left to send), not only on `/forget`."""
    rolled_up: bool = False
    """The roll-up deletes these rows too, by hour: take the watermark before deleting them."""


ERASURE_ORDER = (
    PersonalTable("user_settings"),
    PersonalTable("fsm_state"),
    PersonalTable("reminders", goes_with_the_chat=True),
    PersonalTable("broadcast_recipients", goes_with_the_chat=True),
    PersonalTable("reminder_chats", goes_with_the_chat=True),
    PersonalTable("events", rolled_up=True),
    PersonalTable("counsellor_relays"),
    PersonalTable("counsellor_cases"),
)
"""Every table with rows about one person, in the order units of work delete them."""

PERSONAL_TABLES = tuple(table.name for table in ERASURE_ORDER)
"""Every table `/forget` erases, in order."""
CHAT_TABLES = tuple(table.name for table in ERASURE_ORDER if table.goes_with_the_chat)
"""What goes with a person's chat id, in order."""


async def erase_person(database: Database, user_key: str) -> None:
    """`/forget`: every row about this person, in one unit of work; then the deleted rows are made
    as gone as the backend allows (out of SQLite's write-ahead log, or vacuumed on PostgreSQL)."""
    async with database.transaction() as unit:
        await _delete(unit, ERASURE_ORDER, user_key)
    await database.checkpoint(PERSONAL_TABLES)


async def erase_chat(unit: Database, user_key: str) -> None:
    """The person stopped, blocked the bot or has nothing left to receive: their chat id goes,
    with whatever was waiting to be sent to it (inside `unit`'s unit of work, or one of its own)."""
    async with unit.transaction():
        await _delete(unit, tuple(table for table in ERASURE_ORDER if table.goes_with_the_chat), user_key)


async def _delete(unit: Database, tables: tuple[PersonalTable, ...], user_key: str) -> None:
    if any(table.rolled_up for table in tables):
        await hold_watermark(unit)
    for table in tables:
        await unit.execute(f"DELETE FROM {table.name} WHERE user_key = :user_key", {"user_key": user_key})
