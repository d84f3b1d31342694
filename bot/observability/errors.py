"""Optional error reports to Sentry (SENTRY_DSN), scrubbed before they leave the machine.

Users may be trafficking victims: an error report must not carry what they wrote or who they are.
Local variables are never sent (they would hold updates), the request of a webhook call (its body is
an update) and any user or extra data are dropped, and in every string that is left, numbers long
enough to be a Telegram id, quoted text and pydantic's echo of invalid input are replaced (what
the code itself logs never holds them; this is for messages of other libraries).
"""

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentry_sdk.types import Breadcrumb, BreadcrumbHint, Event, Hint

BOT_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
"""Bot API URLs carry the token (https://api.telegram.org/bot<token>/sendMessage)."""
ID_LIKE = re.compile(r"-?\d{5,}")
"""User and chat ids have at least five digits; times and counts in messages rarely do."""
PYDANTIC_INPUT = re.compile(r"input_value=.*?(?=, input_type=|\]$|$)", re.DOTALL)
"""pydantic repeats the invalid input in its messages: it may be a message a user typed."""
QUOTED = re.compile(r"""(?<!\w)(['"«“])(?:(?!\1|[»”]).)*(?:\1|[»”])(?!\w)""", re.DOTALL)
"""Quoted text in an error message is often the input that failed (Telegram's and Python's own)."""
DROPPED_KEYS = frozenset({"request", "user", "extra", "vars", "data", "cookies", "query_string", "env"})
"""A webhook request's body is an update; `vars` are local variables; `data` of breadcrumbs may hold any."""
KEPT_AS_IS = frozenset({"event_id", "timestamp", "start_timestamp", "trace_id", "span_id", "parent_span_id",
                        "release", "sdk", "modules", "platform"})  # fmt: skip
"""Sentry's own identifiers and versions, which no user wrote."""


def scrub(value: Any) -> Any:
    """The value with update contents, ids and typed text taken out, at any depth."""
    if isinstance(value, str):
        value = PYDANTIC_INPUT.sub("input_value=<removed>", BOT_TOKEN.sub("<token>", value))
        return ID_LIKE.sub("<id>", QUOTED.sub("<quoted>", value))
    if isinstance(value, dict):
        return {
            key: item if key in KEPT_AS_IS else scrub(item) for key, item in value.items() if key not in DROPPED_KEYS
        }
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10_000:
        return "<id>"
    return value


def scrub_event(event: "Event", hint: "Hint") -> "Event":
    """Sentry's `before_send`: the event with nothing that identifies a user."""
    scrubbed: Event = scrub(event)
    return scrubbed


def scrub_breadcrumb(crumb: "Breadcrumb", hint: "BreadcrumbHint") -> "Breadcrumb":
    """Sentry's `before_breadcrumb`: log lines and HTTP calls leading to an error, scrubbed alike."""
    scrubbed: Breadcrumb = scrub(crumb)
    return scrubbed


def init_error_reports(dsn: str, **options: Any) -> None:
    """Start reporting errors; `options` go to `sentry_sdk.init` (tests give a transport)."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
        **options,
    )
