"""Deep links: `t.me/<bot>?start=<entry>[__<campaign>]`, parsed and built in one place.

The payload names an entry point (see `bot/content/entries.py`) and, optionally, a campaign tag
saying which poster or session it came from. Anything else is not an error: the user just gets
the main menu, since a mistyped or truncated link should never greet someone with a failure.
"""

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlencode

from bot.common.telegram_limits import MAX_SHARE_TEXT_CHARS, MAX_START_PARAMETER_CHARS
from bot.content.entries import ENTRY_NAME, MAX_ENTRY_CHARS

CAMPAIGN_SEPARATOR: Final = "__"
"""Between entry and campaign: entry names never hold an underscore, so the split is unambiguous."""
CAMPAIGN_TAG: Final = re.compile(r"^[A-Za-z0-9-]{1,24}$")
_TELEGRAM_PAYLOAD: Final = re.compile(r"^[A-Za-z0-9_-]+$")
SHARE_URL: Final = "https://t.me/share/url"
SHARE_CAMPAIGN: Final = "share"
"""The campaign tag of links people pass on with the share button."""


@dataclass(frozen=True)
class DeepLink:
    entry: str
    campaign: str | None = None

    @property
    def payload(self) -> str:
        return self.entry if self.campaign is None else f"{self.entry}{CAMPAIGN_SEPARATOR}{self.campaign}"


def is_entry_name(text: str) -> bool:
    return len(text) <= MAX_ENTRY_CHARS and ENTRY_NAME.match(text) is not None


def parse_payload(payload: str | None) -> DeepLink | None:
    """The entry and campaign a start parameter names, or None when it is malformed."""
    if not payload or len(payload) > MAX_START_PARAMETER_CHARS or not _TELEGRAM_PAYLOAD.match(payload):
        return None
    entry, separator, campaign = payload.partition(CAMPAIGN_SEPARATOR)
    if not is_entry_name(entry):
        return None
    if not separator:
        return DeepLink(entry)
    return DeepLink(entry, campaign) if CAMPAIGN_TAG.match(campaign) else None


def deep_link(bot_username: str, link: DeepLink) -> str:
    """The address that opens the bot at `link`'s entry."""
    return f"https://t.me/{bot_username}?start={link.payload}"


def share_url(link_url: str, text: str) -> str:
    """Telegram's share sheet with a link and a line of text, every part percent-encoded; the line
    is cut to one sentence's length so the address stays short enough for every client."""
    line = text[:MAX_SHARE_TEXT_CHARS]
    return f"{SHARE_URL}?{urlencode({'url': link_url, 'text': line}, quote_via=quote)}"
