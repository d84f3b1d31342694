"""Start-up of the keys: found where the operator keeps them, checked against the fingerprints
the database recorded, and used to seal the chat ids an earlier version stored in plain form.
Also `safar keys rotate`: a new delivery key, with every pending delivery re-sealed under it."""

import logging
import os
import secrets
from pathlib import Path

from bot.config import Settings
from bot.keys import (
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
    resolve_key,
)
from bot.storage.database import open_database
from bot.storage.key_records import KeyRecords

log = logging.getLogger(__name__)


TYPED_PSEUDONYM_KEY = (
    "is not a random key: its fingerprint in the database lets anyone with a copy of data/ alone try guesses "
    "and then link the stored rows to Telegram accounts"
)
MAKE_A_RANDOM_KEY = "use 32 random bytes in hex or base64, made with: openssl rand -hex 32"


async def unlock(records: KeyRecords, sources: KeySources, data_directory: Path) -> KeyRing:
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
        records = KeyRecords(database)
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


async def rotate_delivery_key(records: KeyRecords, sources: KeySources, keys: KeyRing) -> int:
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
