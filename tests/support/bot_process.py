"""Settings for `python -m bot` processes that talk to the fake Bot API."""

import secrets
from datetime import UTC, datetime

from tests.support.fake_telegram import TOKEN, FakeTelegram

KEY = secrets.token_hex(32)
"""The pseudonym key of every process one test starts (they share one database)."""
DELIVERY_KEY = "c0" * 32


def bot_settings(telegram: FakeTelegram, **extra: str) -> dict[str, str]:
    return {
        "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "PSEUDONYM_KEY": KEY, "LOG_LEVEL": "WARNING",
        "DELIVERY_KEY": DELIVERY_KEY,
        "FLOOD_UPDATES_PER_SECOND": "1000", "REMINDER_CHECK_SECONDS": "0.5", **extra,
    }  # fmt: skip


def daytime_zone() -> str:
    """A time zone where it is mid-day now, so quiet hours do not hold the reminders back."""
    offset = ((14 - datetime.now(UTC).hour + 12) % 24) - 12
    return f"Etc/GMT{-offset:+d}"
