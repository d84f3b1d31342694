"""What the deployment files (docker compose, the systemd unit) may set."""

from bot.config import Settings

SETTINGS = {name.upper() for name in Settings.model_fields}


KEY_FILES = {"pseudonym.key", "delivery.key"}
"""The files bot/privacy/secret_keys.py reads from $CREDENTIALS_DIRECTORY."""


def unit_settings(unit: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in unit.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found
