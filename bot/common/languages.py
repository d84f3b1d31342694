"""The languages Safar speaks, and the order of fallbacks between them."""

from typing import Final, Literal

LANGUAGES: Final = ("tg", "ru", "uz", "en")
"""Interface and content languages, in the order they are offered to a new user."""
LanguageCode = Literal["tg", "ru", "uz", "en"]
"""LANGUAGES as a type, for callback data (a test keeps the two equal)."""

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
