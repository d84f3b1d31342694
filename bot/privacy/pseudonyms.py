"""Keyed hashes instead of Telegram ids: what is stored cannot be linked back to a person
without the key, and the key never sits in the database beside the data."""

import hashlib
import hmac
import logging
from functools import lru_cache

log = logging.getLogger(__name__)


RECENT_VALUES = 8192
"""Hashes of recently seen values kept in memory: one update asks for the same few hashes about ten
times (storage keys on every state read and write), which were a few per cent of its time."""


class Pseudonymizer:
    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("PSEUDONYM_KEY must be at least 16 bytes long")
        self._key = key
        self._recent = lru_cache(maxsize=RECENT_VALUES)(self._hash)

    def __call__(self, value: str) -> str:
        return self._recent(value)

    def _hash(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:32]

    def user_key(self, telegram_user_id: int) -> str:
        return self(str(telegram_user_id))
