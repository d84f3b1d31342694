"""The keys backed up apart from the data: a copy of the database alone cannot be linked back to
people, and the keys alone hold no data; together they can. So they go to separate files, which
operators must store in separate places.

Each key is described once in KEYS: its name in the backup, how to read the one in use, and how
to put one back. A new key (such as a delivery encryption key) is one more entry.
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.services.pseudonym import install_key, load_key

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
    load: Callable[[Settings], bytes | None]
    """The key in use, wherever it comes from; None when there is none yet."""
    configured: Callable[[Settings], str | None]
    """The key as set in the environment or a credential file, which a restore cannot change."""
    install: Callable[[Settings, bytes], Path]
    """Puts a key back where `load` finds it when nothing is configured; returns the file."""


def _configured_pseudonym_key(settings: Settings) -> str | None:
    return settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None


KEYS = (
    Key(
        "pseudonym_key",
        load=lambda s: load_key(_configured_pseudonym_key(s), s.db_path),
        configured=_configured_pseudonym_key,
        install=lambda s, key: install_key(key, s.db_path),
    ),
)


def write_key_backup(settings: Settings, target: Path) -> list[str]:
    """Write every key in use to the new file `target` (owner-only); returns the keys' names."""
    keys = {key.name: value.decode() for key in KEYS if (value := key.load(settings)) is not None}
    if not keys:
        raise KeyBackupError(f"no key found: neither set in the environment nor beside {settings.db_path}")
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


def read_key_backup(settings: Settings, source: Path) -> dict[str, bytes]:
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
    return {key.name: stored[key.name].encode() for key in KEYS if key.name in stored}


def install_keys(settings: Settings, keys: dict[str, bytes]) -> list[str]:
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
