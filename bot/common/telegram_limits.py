"""Telegram's limits, defined once and imported everywhere."""

from typing import Final

MAX_MESSAGE_CHARS: Final = 4096
"""Longest text of one message, counted after entity parsing (UTF-16 code units)."""

MAX_CALLBACK_BYTES: Final = 64
"""Longest `callback_data` Telegram accepts, in UTF-8 bytes."""

MAX_BUTTON_LABEL_CHARS: Final = 64
"""Longer labels are cut off by most clients; the content check refuses them."""

MAX_START_PARAMETER_CHARS: Final = 64
"""Longest deep-link `start` parameter; Telegram allows only A-Z, a-z, 0-9, _ and - in it."""

MAX_INLINE_RESULTS: Final = 50
"""Most results one `answerInlineQuery` may carry."""

MAX_SHARE_URL_CHARS: Final = 2048
"""Longest `t.me/share/url` address Safar puts on a button: Telegram documents no limit for button
URLs, and 2048 is what every client and browser is known to open."""
MAX_SHARE_TEXT_CHARS: Final = 200
"""A share line is one sentence; it travels in the address, and the friend reads it under the link."""

GROUP_MESSAGES_PER_MINUTE: Final = 20
"""Messages a bot may send into one group a minute: more get 429."""


def counted_window(window: float) -> float:
    """The window a group's budget counts over: a little longer than Telegram's, since Telegram
    counts a message when it arrives, a moment after the budget let it go (else the 21st meets a 429)."""
    return window + max(0.05 * window, 0.5)
