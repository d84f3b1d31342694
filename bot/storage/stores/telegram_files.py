"""Telegram's file_id for each media file Safar has sent, by the hash of the file's bytes."""

from bot.storage.backends.sqlite import Database


class TelegramFileStore:
    """Upload once, reuse everywhere: a file_id works for this bot in any chat, so the first send
    of a recording uploads it and every later one (any worker, after any restart) names it."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def file_id(self, content_hash: str) -> str | None:
        row = await self._db.fetchone(
            "SELECT file_id FROM telegram_files WHERE content_hash = :content_hash", {"content_hash": content_hash}
        )
        return str(row[0]) if row else None

    async def remember(self, content_hash: str, kind: str, file_id: str) -> None:
        """Keep (or replace: Telegram refused the old one) the file_id of the file with `content_hash`."""
        await self._db.execute(
            "INSERT INTO telegram_files (content_hash, kind, file_id) VALUES (:content_hash, :kind, :file_id) "
            "ON CONFLICT (content_hash) DO UPDATE SET file_id = excluded.file_id, kind = excluded.kind",
            {"content_hash": content_hash, "kind": kind, "file_id": file_id},
        )

    async def forget(self, content_hash: str) -> None:
        """Telegram no longer knows this file_id (another bot token, a file deleted on its side)."""
        await self._db.execute(
            "DELETE FROM telegram_files WHERE content_hash = :content_hash", {"content_hash": content_hash}
        )
