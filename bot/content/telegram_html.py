"""Checks text against Telegram's HTML parse mode, so a broken tag is found before a user sees it.

Telegram rejects the whole message on one bad tag or a bare `<` or `&`; editors learn of it here,
with the reason, instead of a user getting nothing.
"""

import html
import re

from bot.common.telegram_limits import MAX_MESSAGE_CHARS

_ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(),
    "s": set(), "strike": set(), "del": set(), "tg-spoiler": set(), "pre": set(),
    "span": {"class"}, "a": {"href"}, "code": {"class"}, "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}  # fmt: skip

_TOKEN = re.compile(
    r"<(?P<closing>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[^<>]*?)?)\s*>"
    r"|&(?P<entity>#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);"
    r"|(?P<bare>[<>&])"
)
_ATTRIBUTE = re.compile(r"""([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?""")
_NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}
_TAG = re.compile(r"<[^>]*>")
_LINK_SCHEME = re.compile(r"^(https?://|tg://|mailto:)\S+$")


def html_problems(text: str) -> list[str]:
    """Every reason Telegram would refuse `text` in HTML parse mode; empty when it is valid."""
    return [problem for _, problem in located_html_problems(text)]


def located_html_problems(text: str) -> list[tuple[int, str]]:
    """Each problem with the offset in `text` of what causes it (for an unclosed tag: the tag)."""
    problems: list[tuple[int, str]] = []
    open_tags: list[tuple[str, int]] = []
    for match in _TOKEN.finditer(text):
        if match["bare"]:
            problems.append(
                (match.start(), f"a bare '{match['bare']}' must be written as {html.escape(match['bare'])}")
            )
        elif match["entity"]:
            entity = match["entity"]
            if not entity.startswith("#") and entity not in _NAMED_ENTITIES:
                problems.append((match.start(), f"'&{entity};' is not an entity Telegram knows; use &amp;"))
        else:
            problems.extend((match.start(), problem) for problem in _tag_problems(match, open_tags))
    problems.extend((offset, f"<{tag}> is never closed") for tag, offset in reversed(open_tags))
    return problems


def _tag_problems(match: re.Match[str], open_tags: list[tuple[str, int]]) -> list[str]:
    tag = match["tag"].lower()
    if tag not in _ALLOWED_ATTRIBUTES:
        hint = " (write a line break as a new line)" if tag == "br" else ""
        return [f"<{tag}> is not a tag Telegram supports{hint}"]
    if match["closing"]:
        if not open_tags or open_tags[-1][0] != tag:
            expected = f"</{open_tags[-1][0]}>" if open_tags else "nothing"
            return [f"</{tag}> closes a tag that is not open here (expected {expected})"]
        open_tags.pop()
        return []
    problems = []
    attributes = {name.lower(): value or alt for name, value, alt in _ATTRIBUTE.findall(match["attrs"])}
    for name in attributes.keys() - _ALLOWED_ATTRIBUTES[tag]:
        problems.append(f"<{tag}> cannot have the attribute '{name}'")
    if tag == "a" and not _LINK_SCHEME.match(attributes.get("href") or ""):
        problems.append("<a> needs an href starting with https://, http://, tg:// or mailto:")
    if tag == "span" and attributes.get("class") != "tg-spoiler":
        problems.append('<span> is only allowed as <span class="tg-spoiler">')
    inside = open_tags[-1][0] if open_tags else None
    if inside in {"pre", "code"} and not (inside == "pre" and tag == "code"):
        problems.append(f"<{tag}> cannot be inside <{inside}>")
    open_tags.append((tag, match.start()))
    return problems


def visible_length(text: str) -> int:
    """Length as Telegram counts it against the 4096 limit: tags removed, UTF-16 code units."""
    plain = html.unescape(_TAG.sub("", text))
    return len(plain.encode("utf-16-le")) // 2


def message_problems(text: str, what: str = "the text") -> list[str]:
    """HTML problems plus the length and emptiness rules of one message (`what` names it)."""
    return html_problems(text) + size_problems(text, what)


def size_problems(text: str, what: str = "the text") -> list[str]:
    """Too long for one Telegram message, or nothing to show."""
    length = visible_length(text)
    if length > MAX_MESSAGE_CHARS:
        return [f"{what} is {length} characters long; Telegram allows {MAX_MESSAGE_CHARS}"]
    if not html.unescape(_TAG.sub("", text)).strip():
        return [f"{what} is empty"]
    return []


_TELEGRAM_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")


def _unescape(text: str) -> str:
    """As Telegram reads HTML: only &lt; &gt; &amp; &quot; and numbered entities; '&copy=1' in an
    address stays as written (a browser's rules would turn it into '©=1')."""
    return _TELEGRAM_ENTITY.sub(lambda entity: html.unescape(entity[0]), text)


def link_targets(text: str) -> list[tuple[str, str]]:
    """(words shown, address) of every link in `text` (valid Telegram HTML): a link's words can
    say anything, and a mention is a link to `tg://user?id=…`."""
    links: list[tuple[str, str]] = []
    address: str | None = None
    words_from = 0
    for match in _TOKEN.finditer(text):
        if (match["tag"] or "").lower() != "a":
            continue
        if not match["closing"]:
            attributes = {name.lower(): value or alt for name, value, alt in _ATTRIBUTE.findall(match["attrs"])}
            address, words_from = attributes.get("href") or "", match.end()
        elif address is not None:
            links.append((_unescape(_TAG.sub("", text[words_from : match.start()])), _unescape(address)))
            address = None
    return links
