"""Long staff messages cut into parts Telegram accepts.

Telegram counts a message's length in UTF-16 code units of its visible text (an emoji is two),
and refuses HTML whose tags do not pair up. A cut lands at a line break if it can, else at a
space, else between two characters; never inside a tag or an entity. Tags open at a cut are
closed at the end of one part and opened again, attributes and all, at the start of the next.
"""

import html
import re
from dataclasses import dataclass

from bot.common.telegram_limits import MAX_MESSAGE_CHARS

_PIECE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>|&(?:#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);|.", re.S)


def utf16_length(text: str) -> int:
    """Telegram's measure: characters outside the Basic Multilingual Plane count twice."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Piece:
    raw: str
    width: int
    """UTF-16 units it adds to the visible text: 0 for a tag."""
    tag: str | None = None
    closing: bool = False


def _pieces(text: str) -> list[_Piece]:
    pieces = []
    for match in _PIECE.finditer(text):
        raw = match[0]
        if match[2]:
            pieces.append(_Piece(raw, 0, match[2].lower(), bool(match[1])))
        else:
            pieces.append(_Piece(raw, utf16_length(html.unescape(raw))))
    return pieces


@dataclass
class _Cut:
    """A place the current part may end: after this many pieces, this wide, these tags open."""

    pieces: int
    width: int
    open_tags: list[tuple[str, str]]


class _Splitter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.current: list[str] = []
        self.width = 0
        self.open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
        self.at_line: _Cut | None = None
        self.at_space: _Cut | None = None

    def add(self, piece: _Piece) -> None:
        while piece.width and self.width + piece.width > self.limit:
            self._cut()
        self.current.append(piece.raw)
        self.width += piece.width
        if piece.tag is not None:
            self._track(piece)
        elif piece.raw in ("\n", " "):
            cut = _Cut(len(self.current), self.width, list(self.open_tags))
            if piece.raw == "\n":
                self.at_line, self.at_space = cut, None
            else:
                self.at_space = cut

    def _track(self, piece: _Piece) -> None:
        if not piece.closing:
            self.open_tags.append((str(piece.tag), piece.raw))
        elif self.open_tags and self.open_tags[-1][0] == piece.tag:
            self.open_tags.pop()

    def _cut(self) -> None:
        cut = next((c for c in (self.at_line, self.at_space) if c is not None and c.width > 0), None)
        if cut is None:
            cut = _Cut(len(self.current), self.width, list(self.open_tags))
        head, tail = self.current[: cut.pieces], self.current[cut.pieces :]
        self.finish(head, cut.open_tags)
        self.current = [raw for _, raw in cut.open_tags] + tail
        self.width -= cut.width
        self.at_line = self.at_space = None

    def finish(self, pieces: list[str], open_tags: list[tuple[str, str]]) -> None:
        text = "".join(pieces) + "".join(f"</{name}>" for name, _ in reversed(open_tags))
        if html.unescape(re.sub(r"<[^>]*>", "", text)).strip():
            self.parts.append(text)


def split_html(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """`text` (valid Telegram HTML) as one or more messages of at most `limit` UTF-16 units each."""
    splitter = _Splitter(limit)
    for piece in _pieces(text):
        splitter.add(piece)
    splitter.finish(splitter.current, splitter.open_tags)
    return splitter.parts
