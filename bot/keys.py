"""Safar's two secret keys, kept apart from the data they protect.

- The pseudonym key turns Telegram ids into the keyed hashes stored instead of them.
- The delivery key encrypts the chat ids a reminder or a news message must be sent to
  (AES-256-GCM, a random nonce per row).

Each comes from the environment (`PSEUDONYM_KEY`, `DELIVERY_KEY`), or from systemd credentials
(`$CREDENTIALS_DIRECTORY/pseudonym.key`, `delivery.key`), or from a file in `KEY_DIR`, by default
the owner's config directory (`$XDG_CONFIG_HOME/safar`, else `~/.config/safar`): never the data
directory, so a copy of `data/` alone decrypts nothing. A file is generated (0600, in a 0700
directory) only when the database holds nothing that depends on that key; otherwise a missing or
different key stops the start with one line saying what to restore, because a new key would
silently cut every user off from their settings and every reminder from its chat.
"""

import hashlib
import hmac
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

PSEUDONYM = "pseudonym"
DELIVERY = "delivery"
NONCE_BYTES = 12
CHAT_ID_CONTEXT = b"safar chat id"
"""Associated data: a sealed chat id is only ever opened as a chat id."""


class KeyProblem(Exception):
    """A key is missing or is not the one the database was made with; the message says what to do."""


@dataclass(frozen=True)
class KeySources:
    """Where keys may come from, first match wins."""

    directory: Path
    pseudonym_env: str | None = None
    delivery_env: str | None = None
    credentials: Path | None = None


def default_key_directory() -> Path:
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "safar"


def fingerprint(key: bytes) -> str:
    """Names a key without revealing it: stored in the database to notice a wrong key."""
    return hmac.new(key, b"safar key fingerprint", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class KeyRing:
    pseudonym: bytes
    delivery: bytes


def read_key(name: str, sources: KeySources) -> bytes | None:
    configured = sources.pseudonym_env if name == PSEUDONYM else sources.delivery_env
    if configured:
        return _decoded(name, configured.encode())
    for directory in (sources.credentials, sources.directory):
        if directory is not None and (directory / f"{name}.key").is_file():
            return _decoded(name, (directory / f"{name}.key").read_bytes().strip())
    return None


def _decoded(name: str, raw: bytes) -> bytes:
    if name == DELIVERY:
        try:
            key = bytes.fromhex(raw.decode())
        except ValueError:
            key = b""
        if len(key) != 32:
            raise KeyProblem("the delivery key must be 64 hexadecimal characters (32 bytes)")
        return key
    return raw


def generate_key(name: str, directory: Path) -> bytes:
    """A new random key in an owner-only file (0600) in an owner-only directory (0700)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    text = secrets.token_hex(32).encode()
    descriptor = os.open(directory / f"{name}.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(text)
    log.info("generated a new %s key in %s", name, directory)
    return _decoded(name, text)


def key_text(name: str, key: bytes) -> str:
    """A key as it is written in its file (the delivery key in hex), for a key backup."""
    return key.hex() if name == DELIVERY else key.decode()


def configured_key(name: str, sources: KeySources) -> str | None:
    """The key as the environment or systemd's credentials hand it over, which a restore cannot change."""
    configured = sources.pseudonym_env if name == PSEUDONYM else sources.delivery_env
    if configured:
        return configured
    if sources.credentials is not None and (sources.credentials / f"{name}.key").is_file():
        return (sources.credentials / f"{name}.key").read_text().strip()
    return None


def check_key_text(name: str, text: str) -> None:
    """Raises KeyProblem if `text` is not a usable key of that name."""
    _decoded(name, text.encode())


def install_key(name: str, text: str, directory: Path) -> Path:
    """Put a key restored from a key backup in the key directory (0600 in 0700). A different key
    found there is kept beside it: the database it belongs to may be wanted again."""
    check_key_text(name, text)  # a malformed key is refused before anything is replaced
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{name}.key"
    if path.exists() and path.read_text().strip() != text:
        os.replace(path, path.with_name(f"{name}.key.before-restore-{int(time.time())}"))
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    return path


def adopt_legacy_pseudonym_key(data_directory: Path, sources: KeySources) -> None:
    """Earlier versions kept `pseudonym.key` beside the database: move it to the key directory."""
    legacy = data_directory / f"{PSEUDONYM}.key"
    target = sources.directory / f"{PSEUDONYM}.key"
    if not legacy.is_file() or sources.pseudonym_env or target.exists():
        return
    sources.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(legacy.read_bytes())
    legacy.unlink()
    log.warning("moved the pseudonym key out of the data directory to %s", target)


def resolve_key(name: str, sources: KeySources, recorded: str | None, depended_on: bool) -> bytes:
    """The key to use: the configured one if it matches the database, a new one if nothing
    depends on a key yet, else a one-line KeyProblem saying what to restore."""
    key = read_key(name, sources)
    where = f"{name.upper()}_KEY or {sources.directory / (name + '.key')}"
    if key is None:
        if depended_on:
            raise KeyProblem(
                f"the {name} key is missing but the database needs it (fingerprint {recorded or 'not recorded'}): "
                f"restore it from your backup into {where}; a new key would lose data"
            )
        return generate_key(name, sources.directory)
    if recorded is not None and depended_on and fingerprint(key) != recorded:
        raise KeyProblem(
            f"the {name} key ({fingerprint(key)}) is not the one the database was made with ({recorded}): "
            f"restore the right key into {where}"
        )
    return key


class ChatCipher:
    """Seals a chat id for storage (nonce + AES-GCM ciphertext) and opens it for delivery.

    `cryptography` (about 9 MB of memory) is loaded when the first chat id is sealed or opened:
    a bot nobody asked for reminders or news never needs it."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise KeyProblem("the delivery key must be 32 bytes")
        self._key = key
        self._loaded: AESGCM | None = None

    def _aead(self) -> "AESGCM":
        if self._loaded is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._loaded = AESGCM(self._key)
        return self._loaded

    def seal(self, chat_id: int) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead().encrypt(nonce, str(chat_id).encode(), CHAT_ID_CONTEXT)

    def open(self, sealed: bytes) -> int:
        from cryptography.exceptions import InvalidTag

        try:
            return int(self._aead().decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], CHAT_ID_CONTEXT))
        except InvalidTag as error:
            raise KeyProblem("a stored chat id does not open with this delivery key") from error
