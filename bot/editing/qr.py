"""`safar qr <entry>`: the deep link of an entry point as a QR code, PNG for print shops and
SVG for layouts (segno: pure Python, no image library needed, both formats from one object)."""

from dataclasses import dataclass
from pathlib import Path

import segno

from bot.content import Curriculum
from bot.services.deep_links import CAMPAIGN_TAG, DeepLink, deep_link

QR_ERROR_LEVEL = "q"
"""Quartile: a quarter of the code can be torn, dirty or taped over and it still reads."""


class LinkError(ValueError):
    """An entry or campaign tag a link cannot be made for; the message says why, for editors."""


@dataclass(frozen=True)
class EntryLink:
    link: DeepLink
    url: str


def entry_link(curriculum: Curriculum, bot_username: str, entry: str, campaign: str | None) -> EntryLink:
    if curriculum.entry(entry) is None:
        known = ", ".join(sorted(curriculum.entries)) or "none (add them to entries.yaml)"
        raise LinkError(f"there is no entry point '{entry}'; the entries are: {known}")
    if campaign is not None and not CAMPAIGN_TAG.match(campaign):
        raise LinkError(f"campaign tag '{campaign}' is not valid: use 1 to 24 letters, digits or hyphens")
    link = DeepLink(entry, campaign)
    return EntryLink(link, deep_link(bot_username, link))


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=QR_ERROR_LEVEL, micro=False)


def write_qr(url: str, out: Path) -> list[Path]:
    """Write `out` as .png and .svg (whatever suffix `out` has); returns both paths."""
    code = qr_code(url)
    written = []
    for suffix in (".png", ".svg"):
        path = out.with_suffix(suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        code.save(str(path), scale=10, border=4)
        written.append(path)
    return written


def inline_svg(url: str) -> str:
    """The QR code as an <svg> element to put inside an HTML page."""
    return str(qr_code(url).svg_inline(scale=8, border=4, title=url))
