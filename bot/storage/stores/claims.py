"""Claims on bulk messages (reminders and broadcast recipients) left by a run that died."""

from datetime import datetime

from bot.storage.backends.sqlite import Database

CLAIMED_TABLES = ("reminders", "broadcast_recipients")
"""Tables whose rows a sending run claims (state 'claimed' with a lease) before sending them."""


async def release_all_claims(database: Database, now: datetime) -> int:
    """Claims of runs that died go back to pending, so they are sent again (at least once);
    returns how many were released.

    On SQLite one process owns the database, so at its start every claim is a dead run's. On
    PostgreSQL other processes may be sending their claims right now: only leases that ran out
    are taken back (as each sending run also does before it claims)."""
    only_expired = " AND lease_until < :now" if database.dialect.shared else ""
    released = 0
    for table in CLAIMED_TABLES:
        changed = await database.execute(
            f"UPDATE {table} SET state = 'pending', lease_until = NULL WHERE state = 'claimed'{only_expired}",
            {"now": int(now.timestamp())} if only_expired else {},
        )
        released += changed.rows
    return released
