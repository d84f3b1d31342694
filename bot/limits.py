"""Telegram's limits and the languages Safar speaks, defined once and imported everywhere."""

from typing import Final

MAX_MESSAGE_CHARS: Final = 4096
"""Longest text of one message, counted after entity parsing (UTF-16 code units)."""

MAX_CALLBACK_BYTES: Final = 64
"""Longest `callback_data` Telegram accepts, in UTF-8 bytes."""

MAX_BUTTON_LABEL_CHARS: Final = 64
"""Longer labels are cut off by most clients; the content check refuses them."""

LANGUAGES: Final = ("tg", "ru", "uz", "en")
"""Interface and content languages, in the order they are offered to a new user."""

DEFAULT_LANGUAGE: Final = "ru"

FALLBACK_CHAIN: Final[dict[str, tuple[str, ...]]] = {
    # Russian is read by most Tajik and Uzbek migrants (seed 003), so it is the first fallback
    # for both; English is the last resort because content editors write it first.
    "tg": ("tg", "ru", "en", "uz"),
    "uz": ("uz", "ru", "en", "tg"),
    "ru": ("ru", "en", "tg", "uz"),
    "en": ("en", "ru", "tg", "uz"),
}
"""The order in which a missing translation is looked up, per user language."""

LANGUAGE_NAMES: Final = {"tg": "Тоҷикӣ", "ru": "Русский", "uz": "Oʻzbekcha", "en": "English"}
"""Each language named in itself, for the language picker."""

CALLBACK_PREFIX_GO: Final = "g"
"""Callback data prefix of a button that opens a node: `g:<node ref>`."""
CALLBACK_PREFIX_ANSWER: Final = "a"
"""Callback data prefix of a check answer: `a:<answers ref>:<answer index>`."""
