"""Callback data prefixes the content layer must know (to check button lengths) as well as the handlers."""

from typing import Final

CALLBACK_PREFIX_GO: Final = "g"
"""Callback data prefix of a button that opens a node: `g:<node ref>`."""
CALLBACK_PREFIX_ANSWER: Final = "a"
"""Callback data prefix of a check answer: `a:<answers ref>:<answer index>`."""
