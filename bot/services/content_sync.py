"""One content for the whole bot: a /reload that one process accepted is announced through the
database, and every other process (web workers and schedulers on PostgreSQL) reads its own content
files again within SYNC_SECONDS. The files themselves must be the same for every process (one
volume, or one release), which docs/deploy.md asks of operators."""

import logging
from datetime import timedelta

from bot.common.clock import Clock
from bot.content import ContentError
from bot.services.content_diff import ContentChanges
from bot.services.content_holder import ContentHolder
from bot.storage.stores.content_reloads import ContentReloadStore

log = logging.getLogger(__name__)

SYNC_SECONDS = 5
"""How often each process looks for a reload announced by another: one tiny query."""
CLOCK_MARGIN = timedelta(minutes=1)
"""Machines' clocks differ a little: a reload announced this close to our start is followed once."""


class ReloadNotShared(Exception):
    """This process reloaded, but the announcement for the others could not be written."""

    def __init__(self, changes: ContentChanges) -> None:
        super().__init__("the reload could not be announced to the other processes")
        self.changes = changes


class ContentSync:
    def __init__(self, holder: ContentHolder, store: ContentReloadStore, clock: Clock) -> None:
        """Made right after `holder` first read the content, whose time it notes."""
        self._holder, self._store, self._clock = holder, store, clock
        self._read_at = clock.now()
        self._known: int | None = None
        """The newest reload this process has acted on; None until it has looked."""

    async def reload_everywhere(self) -> ContentChanges:
        """This process reloads (ContentError, or any other error while reading, leaves everything
        as it was and tells no one); the others follow at their next look. ReloadNotShared: this
        process reloaded, but the others could not be told (the database failed)."""
        changes = await self._holder.reload()
        try:
            self._known = await self._store.announce(self._clock.now())
        except Exception as error:
            raise ReloadNotShared(changes) from error
        return changes

    async def follow(self) -> None:
        """Reads the content again when another process announced a reload since the last look.

        At the first look, reloads from before this process read its content are already in it;
        one announced around that time (another process's clock) is followed to be sure. Content
        this process finds broken is not used (it keeps what it has), and the operator is told in
        the log: the files should be the ones the announcing process accepted.
        """
        latest = await self._store.latest()
        if self._known is None:
            self._known = latest.number
            if latest.number == 0 or latest.at < self._read_at - CLOCK_MARGIN:
                return
        elif latest.number <= self._known:
            return
        self._known = latest.number
        try:
            await self._holder.reload()
        except ContentError as error:
            log.error(
                "another process reloaded the content, but this one finds %d problem(s) in its content files "
                "and keeps the content it had: every process must read the same files (docs/deploy.md)",
                len(error.errors),
            )
            return
        log.info("content read again: another process of the bot reloaded it")
