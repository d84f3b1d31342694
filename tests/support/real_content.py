"""The packaged content as the bot renders it on `CONTENT_DAY`, loaded once per test worker.

Tests compare what the bot sends with what the content says, so they follow content edits; reading
and checking every lesson costs most of a CPU-second, and dozens of tests (and test modules, at
collection in each worker) asked for the same unchanged files. The curriculum is immutable (frozen
models), so one copy is shared. Tests that edit content load their own copy with `load_curriculum`.
"""

from functools import cache

from aiogram.utils.i18n import I18n

from bot.content import load_curriculum
from bot.content.curriculum import Curriculum
from bot.i18n import load_i18n, translator
from tests.support.content_fixtures import CONTENT_DAY


@cache
def real_i18n() -> I18n:
    """The interface catalogues, compiled once: for tests that read a label or a message."""
    return load_i18n()


@cache
def real_curriculum(translated: bool = True) -> Curriculum:
    """The packaged lessons and contacts; `translated=False` leaves interface strings in English,
    as the loader does without catalogues (what `safar check` and the search index see)."""
    if translated:
        return load_curriculum(None, translator(real_i18n()), today=CONTENT_DAY)
    return load_curriculum(today=CONTENT_DAY)
