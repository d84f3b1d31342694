"""The keys backed up apart from the data: a copy of the database alone cannot be linked back to
people, and the keys alone hold no data; together they can. So they go to separate files, which
operators must store in separate places.

Each key is described once in KEYS: its name in the backup, how to read the one in use, and how
to put one back (bot/privacy/secret_keys.py: KEY_DIR, the environment or systemd credentials).
"""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.privacy.key_setup import key_sources
from bot.privacy.secret_keys import (
    DELIVERY,
    PSEUDONYM,
    KeyProblem,
    check_key_text,
    configured_key,
    install_key,
    key_text,
    read_key,
)

FORMAT = "safar-keys"
VERSION = 1
STORE_APART = (
    "Store this key file apart from the database backups (another medium, another place, another person): "
    "together they link the stored data back to Telegram users."
)


class KeyBackupError(Exception):
    """The key backup cannot be written or read; the message says why, for the operator."""


@dataclass(frozen=True)
class Key:
    name: str
    """Its name in the backup file and, in capitals, its environment variable."""
    file: str
    """Its name in bot/privacy/secret_keys.py (PSEUDONYM, DELIVERY): `<file>.key` in KEY_DIR or the credentials."""

    def load(self, settings: Settings) -> str | None:
        """The key in use, wherever it comes from (as in its file); None when there is none yet."""
        key = read_key(self.file, key_sources(settings))
        if key is None and self.file == PSEUDONYM:  # an earlier version's, not yet moved by a start
            legacy = settings.db_path.parent / f"{PSEUDONYM}.key"
            return legacy.read_text().strip() if legacy.is_file() else None
        return None if key is None else key_text(self.file, key)

    def configured(self, settings: Settings) -> str | None:
        """The key as set in the environment or a systemd credential, which a restore cannot change."""
        return configured_key(self.file, key_sources(settings))

    def install(self, settings: Settings, text: str) -> Path:
        """Put a key back in KEY_DIR, where the bot finds it when nothing is configured."""
        return install_key(self.file, text, key_sources(settings).directory)


KEYS = (Key("pseudonym_key", PSEUDONYM), Key("delivery_key", DELIVERY))


def write_key_backup(settings: Settings, target: Path) -> list[str]:
    """Write every key in use to the new file `target` (owner-only); returns the keys' names."""
    try:
        keys = {key.name: value for key in KEYS if (value := key.load(settings)) is not None}
    except KeyProblem as error:  # a key file others can read, or that cannot be read
        raise KeyBackupError(str(error)) from error
    if not keys:
        raise KeyBackupError(f"no key found: neither set in the environment nor in {key_sources(settings).directory}")
    document = {"format": FORMAT, "version": VERSION, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "keys": keys}  # fmt: skip
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as error:
        raise KeyBackupError(f"{target} exists already; choose a new file name") from error
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(document, file, indent=2)
        file.write("\n")
    return sorted(keys)


def read_key_backup(settings: Settings, source: Path) -> dict[str, str]:
    """The keys in the key backup `source`, checked against keys set in the environment (which a
    restore cannot replace): done before a restore touches anything."""
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
        stored: dict[str, str] = document["keys"] if document.get("format") == FORMAT else {}
    except (OSError, ValueError, KeyError, AttributeError) as error:
        raise KeyBackupError(f"{source} is not a Safar key backup ({error})") from error
    if not stored:
        raise KeyBackupError(f"{source} is not a Safar key backup")
    for key in KEYS:
        configured = key.configured(settings)
        if key.name in stored and configured is not None and configured != stored[key.name]:
            raise KeyBackupError(f"{key.name.upper()} is set to another key: set it to the backed-up one instead")
        if key.name in stored:
            try:
                check_key_text(key.file, stored[key.name])
            except KeyProblem as error:
                raise KeyBackupError(f"{source}: {key.name}: {error}") from error
    return {key.name: stored[key.name] for key in KEYS if key.name in stored}


def install_keys(settings: Settings, keys: dict[str, str]) -> list[str]:
    """Put back keys read by `read_key_backup`; returns where each is now."""
    places = []
    for key in KEYS:
        if key.name not in keys:
            continue
        if key.configured(settings) is not None:
            places.append(f"{key.name}: {key.name.upper()} (already set to this key)")
        else:
            places.append(f"{key.name}: {key.install(settings, keys[key.name])}")
    return places
