"""Keyed hashes instead of Telegram ids: what is stored cannot be linked back to a person
without the key, and the key never sits in the database beside the data."""

import hashlib
import hmac
import logging
import os
import secrets
import time
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

KEY_FILE_NAME = "pseudonym.key"


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


def load_or_create_key(configured: str | None, db_path: Path) -> bytes:
    """The configured key, or one kept in an owner-only file beside the database.

    Generated once on first run so that a restart keeps every user's settings; stored outside
    the database so that a copy of the database alone cannot be de-pseudonymised.
    """
    if configured:
        return configured.encode()
    path = db_path.parent / KEY_FILE_NAME
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    log.info("generated a new pseudonym key in %s", path)
    return key


def load_key(configured: str | None, db_path: Path) -> bytes | None:
    """The key in use (configured, or in its file beside the database), without creating one."""
    if configured:
        return configured.encode()
    path = db_path.parent / KEY_FILE_NAME
    return path.read_bytes().strip() if path.exists() else None


def install_key(key: bytes, db_path: Path) -> Path:
    """Put a key restored from a key backup where `load_or_create_key` finds it; owner-only. A
    different key found there is kept beside it (the database it belongs to may be wanted again)."""
    path = db_path.parent / KEY_FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_bytes().strip() != key:
        os.replace(path, path.with_name(f"{KEY_FILE_NAME}.before-restore-{int(time.time())}"))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key)
    return path
