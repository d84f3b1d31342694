"""Claims on bulk messages (reminders and broadcast recipients) left by a run that died."""

from bot.storage.database import Database

CLAIMED_TABLES = ("reminders", "broadcast_recipients")
"""Tables whose rows a sending run claims (state 'claimed' with a lease) before sending them."""


async def release_all_claims(database: Database) -> int:
    """At start-up every claim belongs to a run that died (one process owns the database): each
    goes back to pending, so it is sent again (at least once). Returns how many were released."""
    released = 0
    for table in CLAIMED_TABLES:
        changed = await database.execute(
            f"UPDATE {table} SET state = 'pending', lease_until = NULL WHERE state = 'claimed'"
        )
        released += changed.rows
    return released
