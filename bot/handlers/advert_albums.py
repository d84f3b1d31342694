"""An album of pictures of one advert, answered once.

Telegram sends an album as one update per picture, and each chat's updates are handled one after
the other (middlewares/chat_queues.py), so the pictures of an album reach the advert check in turn.
Each picture is read when its turn comes and its text held here, in memory only; the picture that
finds no later picture of its album waiting behind it (after a moment for pictures a webhook brings
a little later) answers for the whole album. With several workers (REDIS_URL) an album whose
pictures reach different workers is answered once per worker.
"""

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field

from aiogram.types import Message

from bot.middlewares.chat_queues import ChatQueues

STRAGGLER_SECONDS = 1.0
"""How long the last picture seen waits for another of its album before it answers for all."""
MAX_ALBUMS = 1000
"""Albums held at once; beyond it the oldest is forgotten (its pictures were already answered for or
never will be: a crash between pictures)."""


@dataclass
class Album:
    texts: list[str] = field(default_factory=list)
    """Captions and the words read from the pictures, in the order the pictures came."""
    pictures: int = 0
    unread: int = 0
    """Pictures that could not be read (Telegram would not give them, or OCR failed or found no words)."""


class AdvertAlbums:
    """The albums under way, per person: built once per dispatcher."""

    def __init__(self, straggler_seconds: float = STRAGGLER_SECONDS) -> None:
        self._straggler_seconds = straggler_seconds
        self._albums: OrderedDict[tuple[str, str], Album] = OrderedDict()

    def add(self, person: str, album: str, caption: str | None, read: str | None) -> None:
        """One picture of `album`: its caption, and its words (None when it could not be read)."""
        held = self._albums.setdefault((person, album), Album())
        held.pictures += 1
        held.texts += filter(None, (caption, read))
        held.unread += read is None
        while len(self._albums) > MAX_ALBUMS:
            self._albums.popitem(last=False)

    def take(self, person: str, album: str) -> Album:
        """The album's pictures read so far, forgotten here."""
        return self._albums.pop((person, album), Album())

    async def more_coming(self, message: Message, queues: ChatQueues | None) -> bool:
        """Whether a later picture of `message`'s album waits behind it in its chat, now or after a
        moment (a webhook may bring the album's pictures a little apart)."""
        if queues is None or message.media_group_id is None:
            return False
        if _album_waiting(message, queues):
            return True
        await asyncio.sleep(self._straggler_seconds)
        return _album_waiting(message, queues)


def _album_waiting(message: Message, queues: ChatQueues) -> bool:
    user_id = message.from_user.id if message.from_user is not None else None
    return any(
        update.message is not None
        and update.message.media_group_id == message.media_group_id
        and bool(update.message.photo)
        for update in queues.waiting_in(message.chat.id, user_id)
    )
