"""Interface strings (buttons, prompts, errors) as gettext catalogues for tg, ru, uz and en.

The `.po` files are the source of truth; they are compiled in memory at start-up with babel, so
there is no build step to forget and no generated file to keep in sync.
"""

import tempfile
import weakref
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.common.languages import DEFAULT_LANGUAGE, LANGUAGES
from bot.content.rendering import Translate

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "safar"


EXTRACTION_KEYWORDS = {"_": None, "gettext": None, "N_": None, "translate": (2,)}
"""The calls whose string arguments are interface strings (babel's keyword specification)."""


def N_(msgid: str) -> str:
    """Marks a string for the catalogues where it is translated later, per user."""
    return msgid


def compile_catalogues(source: Path, target: Path) -> None:
    """Compile every language's `.po` under `source` into the `.mo` layout aiogram reads."""
    for language in LANGUAGES:
        po_path = source / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=None)
        mo_dir = target / language / "LC_MESSAGES"
        mo_dir.mkdir(parents=True, exist_ok=True)
        with (mo_dir / f"{DOMAIN}.mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


def load_i18n() -> I18n:
    """aiogram's I18n over catalogues compiled now, into a directory that lives as long as the
    process: an installed package may not be writable, and nothing generated is committed."""
    compiled = tempfile.TemporaryDirectory(prefix="safar-i18n-")
    compile_catalogues(LOCALES_DIR, Path(compiled.name))
    i18n = I18n(path=compiled.name, default_locale=DEFAULT_LANGUAGE, domain=DOMAIN)
    weakref.finalize(i18n, compiled.cleanup)
    return i18n


def translator(i18n: I18n) -> Translate:
    """Adapts the catalogues to the content renderer's `translate(language, msgid)`."""

    def translate(language: str, msgid: str) -> str:
        return i18n.gettext(msgid, locale=language)

    return translate
