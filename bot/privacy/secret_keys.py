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

Under systemd or in the container (`CREDENTIALS_DIRECTORY` set) keys are handed over, never
generated, unless KEY_DIR names a directory for them: a key made in the container's home or a
read-only system would be lost with it. A key file anyone but its owner can read is refused.
"""

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
import struct
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
    may_generate: bool = True
    """A missing key may be generated in `directory`: not when keys are handed over as credentials
    (systemd, the container) and no KEY_DIR was named for them."""


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
    path = key_file(name, sources)
    return None if path is None else _decoded(name, _read_key_file(name, path))


def key_file(name: str, sources: KeySources) -> Path | None:
    """The file the key is read from, when it is not set in the environment."""
    for directory in (sources.credentials, sources.directory):
        if directory is not None and (directory / f"{name}.key").is_file():
            return directory / f"{name}.key"
    return None


def _read_key_file(name: str, path: Path) -> bytes:
    exposure = readable_by_others(path)
    if exposure is not None:
        fix = f"setfacl -b {path} && chmod 600 {path}" if "ACL" in exposure else f"chmod 600 {path}"
        raise KeyProblem(f"the {name} key file {path} {exposure}: make it its owner's only with {fix}")
    try:
        return path.read_bytes().strip()
    except OSError as error:
        raise KeyProblem(
            f"the {name} key file {path} cannot be read ({error.strerror}): it must belong to the user "
            f"Safar runs as (uid {os.geteuid()}), readable by that user only"
        ) from error


ACL_XATTR = "system.posix_acl_access"
_ACL_USER, _ACL_GROUP_OBJ, _ACL_GROUP, _ACL_MASK, _ACL_OTHER = 0x02, 0x04, 0x08, 0x10, 0x20
_ACL_READ = 0x04


def readable_by_others(path: Path) -> str | None:
    """Why someone other than the file's owner (and this process) can read `path`; None if nobody can.

    A file with an access ACL is judged by its entries: systemd hands a DynamicUser service its
    credentials as root's files with an ACL entry for the service's user, and the mode's group bits
    then show the ACL's mask, not the group's permission."""
    entries = _acl_entries(path)
    if entries is None:
        mode = path.stat().st_mode
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            return f"can be read by its group or others (mode {stat.S_IMODE(mode):04o})"
        return None
    mask = next((perm for tag, perm, _ in entries if tag == _ACL_MASK), 0o7)
    for tag, perm, user in entries:
        others = tag == _ACL_OTHER and perm & _ACL_READ
        group = tag in (_ACL_GROUP_OBJ, _ACL_GROUP) and perm & mask & _ACL_READ
        another_user = tag == _ACL_USER and user != os.geteuid() and perm & mask & _ACL_READ
        if others or group or another_user:
            return "can be read by other users (an ACL allows it)"
    return None


def _acl_entries(path: Path) -> list[tuple[int, int, int]] | None:
    """(tag, permissions, id) of each entry of the file's POSIX access ACL; None when it has none."""
    try:
        raw = os.getxattr(path, ACL_XATTR)
    except OSError:  # no ACL, or a file system without them: the mode says it all
        return None
    return [struct.unpack_from("<HHI", raw, offset) for offset in range(4, len(raw) - 7, 8)]


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
    text = secrets.token_hex(32).encode()
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)
        descriptor = os.open(directory / f"{name}.key", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(text)
    except OSError as error:
        raise KeyProblem(
            f"no {name} key is set and none can be written to {directory} ({error.strerror}): set KEY_DIR to a "
            f"directory Safar may write, or create the key there with: openssl rand -hex 32"
        ) from error
    log.info("generated a new %s key in %s", name, directory)
    return _decoded(name, text)


RANDOM_KEY_BYTES = 32
MIN_DISTINCT_BYTES = 16
"""32 random bytes almost never hold fewer than 25 different values; a pattern ("aaaa…") does."""


def is_random_key(raw: bytes) -> bool:
    """Whether a pseudonym key is written as 32 random bytes, in hex or base64 (`openssl rand -hex 32`,
    `openssl rand -base64 32`, or what Safar generates), rather than typed by a person. A typed key
    could be guessed offline: the database holds its fingerprint, so a copy of `data/` alone would
    be enough to try guesses, then to recompute anyone's keyed hash."""
    text = raw.decode(errors="replace")
    decoded = b""
    if len(text) == 2 * RANDOM_KEY_BYTES:
        try:
            decoded = bytes.fromhex(text)
        except ValueError:
            decoded = b""
    if not decoded:
        try:
            padded = text + "=" * (-len(text) % 4)
            decoded = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            return False
    return len(decoded) == RANDOM_KEY_BYTES and len(set(decoded)) >= MIN_DISTINCT_BYTES


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
    if not legacy.is_file() or sources.pseudonym_env or target.exists() or not sources.may_generate:
        return
    try:
        sources.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(legacy.read_bytes())
    except OSError as error:
        raise KeyProblem(
            f"the pseudonym key kept beside the database ({legacy}) cannot be moved to {sources.directory} "
            f"({error.strerror}): set KEY_DIR to a directory Safar may write"
        ) from error
    legacy.unlink()
    log.warning("moved the pseudonym key out of the data directory to %s", target)


def resolve_key(name: str, sources: KeySources, recorded: str | None, depended_on: bool) -> bytes:
    """The key to use: the configured one if it matches the database, a new one if nothing
    depends on a key yet, else a one-line KeyProblem saying what to restore."""
    key = read_key(name, sources)
    kept_in = sources.credentials if sources.credentials is not None and not sources.may_generate else sources.directory
    where = f"{name.upper()}_KEY or {kept_in / (name + '.key')}"
    if key is None:
        if depended_on:
            raise KeyProblem(
                f"the {name} key is missing but the database needs it (fingerprint {recorded or 'not recorded'}): "
                f"restore it from your backup into {where}; a new key would lose data"
            )
        if not sources.may_generate:
            raise KeyProblem(
                f"the {name} key is missing: keys are handed over in CREDENTIALS_DIRECTORY ({sources.credentials}), "
                f"so put it there as {name}.key, made with: openssl rand -hex 32 (docs/operations.md)"
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
