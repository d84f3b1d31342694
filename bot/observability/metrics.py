"""Prometheus metrics, defined once. Labels take values from small fixed sets (update kinds, Bot
API method names and error codes, outcomes): never an id, a chat or anything a user typed.

Updated on the hot path with a counter increment and a histogram observation per update, which
cost microseconds; what needs the database (its size, broadcast progress) is read when scraped.

prometheus_client is loaded, and anything counted, only once something can show the figures
(`start_counting`, called by the /metrics endpoint's Monitor): a default setup without
METRICS_PORT never shows them, and the library was 1.1 MB of its memory (scripts/README.md).
"""

from importlib import import_module
from typing import Any


class _Uncounted:
    """What a metric's child is before counting starts: it takes every update and keeps nothing."""

    def inc(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass

    def observe(self, value: float) -> None:
        pass


_UNCOUNTED = _Uncounted()


class _Metric:
    """A prometheus_client metric made at `start_counting`; until then its updates are dropped."""

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self._kind, self._args, self._kwargs = kind, args, kwargs
        self._made: Any = None
        _DEFINED.append(self)

    def make(self) -> None:
        if self._made is None:
            self._made = getattr(import_module("prometheus_client"), self._kind)(*self._args, **self._kwargs)

    def labels(self, *values: str) -> Any:
        return _UNCOUNTED if self._made is None else self._made.labels(*values)

    def inc(self, amount: float = 1) -> None:
        if self._made is not None:
            self._made.inc(amount)

    def set(self, value: float) -> None:
        if self._made is not None:
            self._made.set(value)

    def observe(self, value: float) -> None:
        if self._made is not None:
            self._made.observe(value)


_DEFINED: list[_Metric] = []


_COUNTING: list[bool] = [False]


def start_counting() -> None:
    """Load prometheus_client and count from now on (a second call changes nothing)."""
    for metric in _DEFINED:
        metric.make()
    _COUNTING[0] = True


def counting() -> bool:
    """Whether updates are counted: a metric's child looked up before that counts nothing, ever."""
    return _COUNTING[0]


def Counter(*args: Any, **kwargs: Any) -> _Metric:  # prometheus_client's names
    return _Metric("Counter", *args, **kwargs)


def Gauge(*args: Any, **kwargs: Any) -> _Metric:
    return _Metric("Gauge", *args, **kwargs)


def Histogram(*args: Any, **kwargs: Any) -> _Metric:
    return _Metric("Histogram", *args, **kwargs)


UPDATES = Counter("safar_updates", "Updates handled, by kind (message, callback_query, ...)", ["kind"])
HANDLER_SECONDS = Histogram(
    "safar_handler_seconds",
    "Time from an update's arrival in the dispatcher to the end of its handling",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CHAT_QUEUE_REFUSED = Counter(
    "safar_chat_queue_refused",
    "Updates refused because their chat already had as many waiting as allowed: dropped, or undelivered "
    "(one that must be kept, such as an album's picture; the person is told)",
    ["outcome"],
)
BOT_API_ERRORS = Counter(
    "safar_bot_api_errors", "Bot API calls that failed, by method and error code (or 'network')", ["method", "code"]
)
DANGER_QUESTION = Counter(
    "safar_danger_question",
    'Typed messages answered with "Are you or someone close in danger now?", and the answers (asked, yes, no)',
    ["outcome"],
)
"""Counted in memory only: the answer is never stored, so nothing ties it to a person."""
FLOOD_WAITS = Counter("safar_bot_api_flood_waits", "429 Too Many Requests answers from the Bot API")
FLOOD_WAIT_SECONDS = Counter("safar_bot_api_flood_wait_seconds", "Seconds Telegram asked to wait (retry_after)")
REMINDERS = Counter(
    "safar_reminders",
    "Reminders: due (claimed), sent, failed (not sendable), blocked (user blocked the bot), deferred (retried later), "
    "expired (the claim ran out before its turn: another run sends it)",
    ["outcome"],
)
BROADCAST_MESSAGES = Counter("safar_broadcast_messages", "Broadcast messages by outcome", ["outcome"])
BROADCAST_RECIPIENTS = Gauge(
    "safar_broadcast_recipients",
    "Recipients of running broadcasts by state (pending, claimed, sent, failed)",
    ["state"],
)
DATABASE_BYTES = Gauge("safar_database_bytes", "Size of the database (SQLite: the file and its WAL)")
DESK_CASES = Gauge(
    "safar_desk_cases",
    "Counsellors' desk cases ever opened, first answered, closed and blocked (under 5 reads 0)",
    ["event"],
)
DESK_WAITING = Gauge("safar_desk_cases_waiting", "Open cases no counsellor has answered yet (under 5 reads 0)")
DESK_FIRST_ANSWER_HOURS = Gauge(
    "safar_desk_first_answer_hours",
    "Hours from a case's opening to its first answer over the last 30 days, by quantile (NaN under 5 answers)",
    ["quantile"],
)
DESK_HELPED = Gauge("safar_desk_helped", 'Answers to "Did this help?" (under 5 reads 0)', ["answer"])
ADVERTS_CHECKED = Counter(
    "safar_adverts_checked", "Job adverts read for red flags, by how they came (forward, paste, photo)", ["source"]
)
ADVERT_FLAGS = Counter("safar_advert_flags", "Red flags found in adverts, by flag", ["flag"])
ADVERT_PICTURES = Counter(
    "safar_advert_pictures", "Pictures of adverts given to OCR, by outcome (read, no_text, failed)", ["outcome"]
)
