"""Start-up of the keys: found where the operator keeps them, checked against the fingerprints
the database recorded, and used to seal the chat ids an earlier version stored in plain form.
Also `safar keys rotate`: a new delivery key, with every pending delivery re-sealed under it; and
`safar keys rekey FILE`: a typed pseudonym key replaced by a random one (docs/privacy.md)."""

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.privacy.pseudonyms import Pseudonymizer
from bot.privacy.secret_keys import (
    DELIVERY,
    PSEUDONYM,
    ChatCipher,
    KeyProblem,
    KeyRing,
    KeySources,
    adopt_legacy_pseudonym_key,
    default_key_directory,
    fingerprint,
    is_random_key,
    key_file,
    readable_by_others,
    resolve_key,
)
from bot.storage.backends.sqlite import DatabaseInUse, exclusive_use, open_database
from bot.storage.stores.key_fingerprints import KeyFingerprints, Rekeyed

log = logging.getLogger(__name__)


TYPED_PSEUDONYM_KEY = (
    "is not a random key: its fingerprint in the database lets anyone with a copy of data/ alone try guesses "
    "and then link the stored rows to Telegram accounts"
)
MAKE_A_RANDOM_KEY = "use 32 random bytes in hex or base64, made with: openssl rand -hex 32"


async def unlock(records: KeyFingerprints, sources: KeySources, data_directory: Path) -> KeyRing:
    adopt_legacy_pseudonym_key(data_directory, sources)
    recorded = await records.fingerprints()
    found: dict[str, bytes] = {}
    for name in (PSEUDONYM, DELIVERY):
        depended_on = await records.depended_on(name)
        key = resolve_key(name, sources, recorded.get(name), depended_on)
        if name == PSEUDONYM and not is_random_key(key):
            _typed_pseudonym_key(sources, depended_on)
        if recorded.get(name) != fingerprint(key):
            await records.record(name, fingerprint(key))
        found[name] = key
    keys = KeyRing(found[PSEUDONYM], found[DELIVERY])
    sealed = await records.seal_plain_rows(ChatCipher(keys.delivery).seal)
    if sealed:
        log.warning("%d chat id(s) stored in plain form by an earlier version are now sealed", sealed)
    return keys


def _typed_pseudonym_key(sources: KeySources, depended_on: bool) -> None:
    """A typed pseudonym key is refused for a new database, and warned about at every start of one
    whose users it already keys (changing it is a re-key: docs/privacy.md)."""
    origin = "PSEUDONYM_KEY" if sources.pseudonym_env else f"the pseudonym key in {key_file(PSEUDONYM, sources)}"
    if not depended_on:
        raise KeyProblem(f"{origin} {TYPED_PSEUDONYM_KEY}; {MAKE_A_RANDOM_KEY}")
    log.warning(
        "SECURITY: %s %s. Replace it by a random one: safar keys rekey (docs/privacy.md, 'Re-keying')",
        origin,
        TYPED_PSEUDONYM_KEY,
    )


async def rotate(settings: Settings) -> int:
    """Open the database and the keys as the bot would, then rotate the delivery key."""
    database = await open_database(settings.database_target)
    try:
        records = KeyFingerprints(database)
        sources = key_sources(settings)
        keys = await unlock(records, sources, settings.db_path.parent)
        return await rotate_delivery_key(records, sources, keys)
    finally:
        await database.close()


def key_sources(settings: Settings) -> KeySources:
    return KeySources(
        directory=settings.key_dir or default_key_directory(),
        pseudonym_env=settings.pseudonym_key.get_secret_value() if settings.pseudonym_key else None,
        delivery_env=settings.delivery_key.get_secret_value() if settings.delivery_key else None,
        credentials=settings.credentials_directory,
        may_generate=settings.key_dir is not None or settings.credentials_directory is None,
    )


async def rotate_delivery_key(records: KeyFingerprints, sources: KeySources, keys: KeyRing) -> int:
    """Write a new delivery key file, re-seal every stored chat id under it, then put it in
    place of the old one; returns how many chat ids were re-sealed. Run with the bot stopped."""
    if sources.delivery_env or (sources.credentials and (sources.credentials / f"{DELIVERY}.key").exists()):
        raise KeyProblem("the delivery key comes from DELIVERY_KEY or systemd credentials: rotate it there")
    current = sources.directory / f"{DELIVERY}.key"
    fresh = sources.directory / f"{DELIVERY}.key.new"
    fresh.unlink(missing_ok=True)
    new_key = bytes.fromhex(_write_new_key(fresh))
    count = await records.reseal(ChatCipher(keys.delivery).open, ChatCipher(new_key).seal, fingerprint(new_key))
    os.replace(fresh, current)
    return count


def _write_new_key(path: Path) -> str:
    text = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    return text


@dataclass(frozen=True)
class Rekeying:
    """What `safar keys rekey` did, and what the operator must still do."""

    accounts: Rekeyed
    new_key_place: str | None
    """Where the new key now is; None when the operator must put it where the old one is set."""


async def rekey(settings: Settings, new_key_file: Path) -> Rekeying:
    """Re-key the database with the random pseudonym key in `new_key_file` (bot stopped), then put
    the key in KEY_DIR when the old one was kept there."""
    new_key = _new_pseudonym_key(new_key_file)
    sources = key_sources(settings)
    with _stopped_bot(settings):
        database = await open_database(settings.database_target)
        try:
            records = KeyFingerprints(database)
            keys = await unlock(records, sources, settings.db_path.parent)
            if keys.pseudonym == new_key:
                raise KeyProblem(
                    f"{new_key_file} holds the pseudonym key in use: make a new one with openssl rand -hex 32"
                )
            accounts = await records.rekey(
                ChatCipher(keys.delivery).open, Pseudonymizer(new_key).user_key, fingerprint(new_key)
            )
        finally:
            await database.close()
    return Rekeying(accounts, _put_in_place(new_key, new_key_file, sources))


def _put_in_place(new_key: bytes, new_key_file: Path, sources: KeySources) -> str | None:
    """The new key in KEY_DIR, where the old one was; None when the old one is set elsewhere
    (PSEUDONYM_KEY, the credentials), where only the operator can change it."""
    current = key_file(PSEUDONYM, sources)
    if sources.pseudonym_env or (current is not None and current.parent != sources.directory):
        return None
    target = sources.directory / f"{PSEUDONYM}.key"
    fresh = target.with_name(f"{PSEUDONYM}.key.new")
    fresh.unlink(missing_ok=True)
    descriptor = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(new_key)
    os.replace(fresh, target)
    new_key_file.unlink()
    return str(target)


def _new_pseudonym_key(path: Path) -> bytes:
    try:
        exposure = readable_by_others(path)
        key = path.read_bytes().strip()
    except OSError as error:
        raise KeyProblem(f"{path} cannot be read ({error.strerror})") from error
    if exposure is not None:
        raise KeyProblem(f"{path} {exposure}: chmod 600 {path} first")
    if not is_random_key(key):
        raise KeyProblem(f"{path} does not hold a random key: {MAKE_A_RANDOM_KEY}")
    return key


@contextmanager
def _stopped_bot(settings: Settings) -> Iterator[None]:
    """SQLite: refused while a bot runs on the database. PostgreSQL: every process must be stopped first."""
    if settings.database_url is not None:
        yield
        return
    try:
        with exclusive_use(settings.db_path):
            yield
    except DatabaseInUse as error:
        raise KeyProblem(str(error)) from error
