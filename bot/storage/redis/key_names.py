"""Redis key names made of keyed hashes: Redis writes its keys to disk (RDB snapshots, the AOF),
so a key must no more hold a chat or user id than a database row may.

aiogram's `DefaultKeyBuilder` writes `fsm:<chat_id>:<user_id>:state`. Here a conversation is named
by the same keyed hashes the database uses for it (`bot/storage/stores/conversations.py`), so Redis and the database
agree on who is who without either holding an id, and `/forget` finds an account's keys by the
`user_key` it erases rows by.
"""

import hashlib
from collections.abc import Callable
from typing import Literal, NamedTuple

from aiogram.fsm.storage.base import KeyBuilder, StorageKey

from bot.storage.stores.conversations import conversation_keys

PREFIX = "safar"


class ConversationKey(NamedTuple):
    account: str
    """The Redis hash holding every conversation of one account."""
    conversation: str
    """The conversation's field prefix in it: the same keyed hash as its `fsm_state` row."""
    user_key: str


class PseudonymousRedisNames(KeyBuilder):
    """`safar:<part>:<conversation hash>`; conversations themselves live in one hash per account."""

    def __init__(self, pseudonym: Callable[[str], str]) -> None:
        self._pseudonym = pseudonym

    def build(self, key: StorageKey, part: Literal["data", "state", "lock"] | None = None) -> str:
        conversation, _ = conversation_keys(self._pseudonym, key)
        return f"{PREFIX}:{part or 'conversation'}:{conversation}"

    def conversation(self, key: StorageKey) -> ConversationKey:
        conversation, user_key = conversation_keys(self._pseudonym, key)
        return ConversationKey(self.account(user_key), conversation, user_key)

    @staticmethod
    def account(user_key: str) -> str:
        return f"{PREFIX}:fsm:{user_key}"


def bot_key(bot_id: int, part: str) -> str:
    """A key for something shared by every process of one bot (its send rate): named by a hash of
    the bot's id, never by its token, which would let anyone reading Redis's disk drive the bot."""
    digest = hashlib.sha256(f"safar-bot:{bot_id}".encode()).hexdigest()[:16]
    return f"{PREFIX}:{part}:{digest}"
