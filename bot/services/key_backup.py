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
    install: Callable[[Settings, bytes], str]
    """Puts the key back; returns where (or what the operator must do instead)."""


def _configured(settings: Settings) -> str | None:
    return settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None


def _install_pseudonym_key(settings: Settings, key: bytes) -> str:
    if _configured(settings) is not None:
        if _configured(settings) == key.decode():
            return "PSEUDONYM_KEY (already set to this key)"
        raise KeyBackupError("PSEUDONYM_KEY is set to another key: set it to the backed-up one instead")
    return str(install_key(key, settings.db_path))


KEYS = (Key("pseudonym_key", lambda s: load_key(_configured(s), s.db_path), _install_pseudonym_key),)


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


def restore_keys(settings: Settings, source: Path) -> list[str]:
    """Put back every key in the key backup `source`; returns where each went."""
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
        stored: dict[str, str] = document["keys"] if document.get("format") == FORMAT else {}
    except (OSError, ValueError, KeyError, AttributeError) as error:
        raise KeyBackupError(f"{source} is not a Safar key backup ({error})") from error
    if not stored:
        raise KeyBackupError(f"{source} is not a Safar key backup")
    return [f"{key.name}: {key.install(settings, stored[key.name].encode())}" for key in KEYS if key.name in stored]
