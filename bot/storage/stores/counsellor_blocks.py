"""People the counsellors blocked for abuse, until when: the only thing kept of a block.

A row is keyed by a keyed hash of the person's pseudonym made for this table alone (`block:` and
the pseudonym, hashed with the pseudonym key), so it cannot be joined with any other table, and it
names no case. It is deleted when the block ends. It outlives `/forget` on purpose: a block that
`/forget` lifted would protect no counsellor (docs/privacy.md says so, and /privacy tells people).
"""

from collections.abc import Callable
from datetime import UTC, datetime

from bot.storage.backends.sqlite import Database


def _hour_after(moment: datetime) -> int:
    """Unix seconds rounded up to the hour: a block ends on the hour, never before the time asked."""
    return -(-int(moment.timestamp()) // 3600) * 3600


class CounsellorBlockStore:
    def __init__(self, database: Database, keyed: Callable[[str], str]) -> None:
        self._db = database
        self._keyed = keyed

    def _key(self, user_key: str) -> str:
        return self._keyed(f"block:{user_key}")

    async def block(self, user_key: str, until: datetime) -> datetime:
        """Blocked until `until` (a longer block already in force is kept); returns when it ends."""
        hour = _hour_after(until)
        row = await self._db.fetchone(
            "INSERT INTO counsellor_blocks (block_key, until_hour) VALUES (:key, :hour) "
            "ON CONFLICT (block_key) DO UPDATE SET until_hour = CASE WHEN excluded.until_hour > "
            "counsellor_blocks.until_hour THEN excluded.until_hour ELSE counsellor_blocks.until_hour END "
            "RETURNING until_hour",
            {"key": self._key(user_key), "hour": hour},
        )
        assert row is not None  # RETURNING gives the row written
        return datetime.fromtimestamp(int(str(row[0])), UTC)

    async def until(self, user_key: str, now: datetime) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT until_hour FROM counsellor_blocks WHERE block_key = :key AND until_hour > :now",
            {"key": self._key(user_key), "now": int(now.timestamp())},
        )
        return datetime.fromtimestamp(int(str(row[0])), UTC) if row is not None else None

    async def end_expired(self, now: datetime) -> int:
        """Blocks that ended are deleted, and leave the write-ahead log too."""
        changed = await self._db.execute(
            "DELETE FROM counsellor_blocks WHERE until_hour <= :now", {"now": int(now.timestamp())}
        )
        if changed.rows:
            await self._db.checkpoint(("counsellor_blocks",))
        return changed.rows
