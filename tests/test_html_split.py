"""Long staff messages are cut by Telegram's own measure and never inside a tag or an entity."""

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.telegram_html import html_problems, visible_length
from bot.services.html_split import split_html

WORDS = ["word", "😀", "👨‍👩‍👧", "&amp;", "&lt;5", "Ҷ", "\n", " ", "🇹🇯", "&#128512;", "слово"]
TAGS = ["b", "i", "u", "s", "code", 'a href="https://example.org/?a=1&amp;b=2"', "tg-spoiler", "blockquote expandable"]


@st.composite
def telegram_html(draw: st.DrawFn, depth: int = 0) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 3 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            inner = draw(telegram_html(3 if tag == "code" else depth + 1))  # nothing nests in <code>
            pieces.append(f"<{tag}>{inner}</{tag.split()[0]}>")
        else:
            pieces.append("".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=20))))
    return "".join(pieces)


def visible(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", text))


@settings(max_examples=150, deadline=None)
@given(text=telegram_html(), limit=st.integers(8, 120))
def test_every_part_is_valid_html_within_the_limit_and_nothing_is_lost(text: str, limit: int) -> None:
    parts = split_html(text, limit)
    for part in parts:
        assert html_problems(part) == [], part
        assert visible_length(part) <= limit, part
        assert visible(part).strip(), "no empty message"
    assert "".join("".join(visible(part).split()) for part in parts) == "".join(visible(text).split())


def test_emoji_count_twice_and_cuts_fall_between_lines() -> None:
    line = "<b>Agency 😀😀😀</b> — 3 report(s)"  # 30 UTF-16 units, 27 characters
    parts = split_html("\n".join([line] * 300))
    assert len(parts) == 3
    assert all(part.startswith("<b>Agency") and part.rstrip().endswith("report(s)") for part in parts)
    assert all(visible_length(part) <= 4096 for part in parts)


def test_a_cut_inside_nested_tags_closes_and_reopens_them() -> None:
    text = '<b>bold<a href="https://example.org">' + "😀" * 10 + "</a>end</b>"
    assert split_html(text, 12) == [
        '<b>bold<a href="https://example.org">😀😀😀😀</a></b>',
        '<b><a href="https://example.org">😀😀😀😀😀😀</a></b>',
        "<b>end</b>",
    ]


def test_a_short_message_is_left_alone() -> None:
    assert split_html("<i>short &amp; sweet</i>") == ["<i>short &amp; sweet</i>"]
