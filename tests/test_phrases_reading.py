"""Reading a text with many phrase matchers splits and stems its words once: nothing typed is kept
after the read (users may be trafficking victims; their words must not linger in memory)."""

import gc

from bot.content.loader import PACKAGED_CONTENT, load_advert_flags
from bot.understanding.advert_reading import AdvertReader
from bot.understanding.phrases import PhraseMatcher, one_text
from bot.understanding.transliteration import words

TYPED = "Zarqunvalid ishchilar kerak, pasportni olib qolamiz, maosh oyiga 2000 dollar. Zarqunvalid firmasi"


def _kept_anywhere(fragment: str) -> bool:
    """Whether any live dictionary still has a key holding `fragment` (a typed word or a text)."""
    for thing in gc.get_objects():
        if isinstance(thing, dict):
            for key in list(thing):
                parts = key if isinstance(key, tuple) else (key,)
                if any(isinstance(part, str) and fragment in part for part in parts):
                    return True
    return False


def test_an_advert_read_keeps_none_of_its_words() -> None:
    reader = AdvertReader(load_advert_flags(PACKAGED_CONTENT))
    reading = reader.read(TYPED)
    assert reading.flags  # the read went through the matchers
    gc.collect()
    assert not _kept_anywhere(words("Zarqunvalid")[0])


def test_one_text_finds_what_each_matcher_finds_alone() -> None:
    matcher = PhraseMatcher([("kept", "pasport* ol*"), ("pay", "maosh")])
    alone = matcher.spans_in(TYPED)
    with one_text():
        assert matcher.spans_in(TYPED) == alone
        assert matcher.spans_in(TYPED) == alone  # from what the first read kept
    assert alone == [("kept", (3, 4)), ("pay", (6,))]
