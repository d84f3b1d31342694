"""Checks on the text an editor wrote, before it is rendered: where a tag is broken, which
`{{ … }}` parts each language has, and phone numbers typed in where a contact belongs.

A number typed into a lesson bypasses the source and the checked date every contact carries,
and a translation that drops `{{ contact('…') }}` silently loses a hotline; both are found here.
"""

import re
from collections import Counter

from bot.content.telegram_html import located_html_problems

_TEMPLATE_PART = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.S)
_LINK = re.compile(r"""href\s*=\s*(?:"[^"]*"|'[^']*')|\b(?:https?|tg)://\S+""")
_NUMBER = re.compile(r"(?<![\w.,/+-])\+?\(?[0-9][0-9 \u00a0().-]{5,20}[0-9](?![\w])")
_DEPARTMENT_STYLE = re.compile(r"[0-9]{3}[ -][0-9]{2}[ -][0-9]{2}$")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:[ \u00a0][0-9]{3})+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
KEEP_NUMBER = "{# keep number #}"
"""Written right after a number in a lesson text, says the number is there on purpose."""
_KEEP_NUMBER_AFTER = re.compile(r"\s*\{#\s*keep number\s*#\}", re.I)


def without_template_parts(body: str) -> str:
    """`body` with every `{{ … }}`, `{% … %}` and `{# … #}` blanked, keeping offsets and lines."""
    return _TEMPLATE_PART.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)


def line_offset(text: str, offset: int) -> int:
    """How many lines below the start of `text` the character at `offset` is."""
    return text.count("\n", 0, offset)


def tag_problems(body: str) -> list[tuple[int, str]]:
    """HTML problems in what the editor wrote, each with its line within `body` (0 = first)."""
    written = without_template_parts(body)
    return [(line_offset(written, offset), problem) for offset, problem in located_html_problems(written)]


def placeholders(body: str) -> Counter[str]:
    """The `{{ … }}` parts of a text (the contacts and facts it inserts), spaces normalised, counted."""
    return Counter(
        part[:2] + " " + " ".join(part[2:-2].split()) + " " + part[-2:] for part in _PLACEHOLDER.findall(body)
    )


def placeholder_differences(reference: str, translation: str) -> tuple[list[str], list[str]]:
    """The parts the translation lacks, and the parts it has that the reference text does not."""
    wanted, found = placeholders(reference), placeholders(translation)
    return sorted((wanted - found).elements()), sorted((found - wanted).elements())


def phone_numbers(body: str) -> list[tuple[int, str]]:
    """Numbers that look like phone numbers, with their line within `body` (0 = first).

    Dates, years, sums written with thousands separators and numbers in links are not phone
    numbers; a number followed by `{# keep number #}` is there on purpose.
    """
    written = _LINK.sub(lambda m: " " * len(m.group(0)), without_template_parts(body))
    found = []
    for match in _NUMBER.finditer(written):
        number = match.group(0).strip()
        if _KEEP_NUMBER_AFTER.match(body, match.end()) or not _looks_like_phone(number):
            continue
        found.append((line_offset(written, match.start()), number))
    return found


def _looks_like_phone(number: str) -> bool:
    digits = sum(character.isdigit() for character in number)
    if number.count("(") != number.count(")"):
        return False  # "194816 (2021)": a number and a year in brackets
    if number.startswith("+"):
        return digits >= 7
    if _ISO_DATE.fullmatch(number) or _THOUSANDS.fullmatch(number):
        return False
    return 9 <= digits <= 15 or bool(_DEPARTMENT_STYLE.search(number))


def majority_language(texts: dict[str, str]) -> str:
    """The language whose `{{ … }}` parts most languages share (English on a tie)."""
    kinds = Counter(tuple(sorted(placeholders(body).elements())) for body in texts.values())

    def weight(language: str) -> tuple[int, bool]:
        return kinds[tuple(sorted(placeholders(texts[language]).elements()))], language == "en"

    return max(texts, key=weight)
