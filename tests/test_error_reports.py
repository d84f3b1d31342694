"""Error reports (SENTRY_DSN) leave the machine with nothing that identifies a user: a handler fails
on a message from a user whose id and words end up in the exception, and the captured report,
caught by a test transport (no network), holds neither."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from bot.observability.errors import init_error_reports, scrub
from tests.support.fake_telegram import TOKEN, BadRequest, FakeTelegram
from tests.support.journeys import start_in
from tests.support.running import RunningBot
from tests.support.waiting import eventually

USER_ID = 93457821
TYPED = "Паспорт у меня забрали"


class CapturingTransport(Transport):
    """Keeps what would have been sent to Sentry."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict[str, Any]]:
        return [item.payload.json for envelope in self.envelopes for item in envelope.items if item.type == "event"]


@pytest.fixture
def reports() -> Iterator[CapturingTransport]:
    transport = CapturingTransport()
    init_error_reports("https://public@sentry.example.org/1", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # reporting off again for the tests that follow in this process


async def test_an_error_report_carries_no_update_no_id_no_text_no_token(
    telegram: FakeTelegram, bot: RunningBot, reports: CapturingTransport
) -> None:
    user = telegram.user(USER_ID, "ru")
    await start_in(user, "Русский")
    # Telegram's answer repeats what it was given: the error now holds the chat id and the words.
    telegram.fail_next("sendMessage", BadRequest(f"Bad Request: chat {USER_ID} refused text '{TYPED}'"))
    await user.send(TYPED)
    await eventually(
        lambda: bool(reports.events()), what="the error report"
    )  # the handler fails after its update was taken
    events = reports.events()
    assert len(events) == 1, events
    report = json.dumps(events[0], ensure_ascii=False)
    assert "TelegramBadRequest" in report, "the report still says what failed"
    assert str(USER_ID) not in report and "Паспорт" not in report and TYPED not in report
    assert TOKEN.split(":")[1] not in report
    frames = [f for value in events[0]["exception"]["values"] for f in value["stacktrace"]["frames"]]
    assert frames and all("vars" not in frame for frame in frames), "local variables are never sent"


def test_pydantic_echoes_of_input_and_webhook_bodies_are_removed() -> None:
    event = {
        "event_id": "0123456789abcdef0123456789abcdef",
        "request": {"url": "https://bot.example.org/telegram/webhook", "data": {"message": {"text": TYPED}}},
        "exception": {"values": [{"type": "ValidationError", "value": f"1 validation error\n  text\n    "
                                  f"Input should be short [type=x, input_value='{TYPED}', input_type=str]"}]},
        "breadcrumbs": {"values": [{"category": "httplib", "data": {"url": f"https://api.telegram.org/bot{TOKEN}/x"},
                                    "message": f"POST https://api.telegram.org/bot{TOKEN}/sendMessage"}]},
        "extra": {"chat_id": USER_ID},
        "user": {"id": USER_ID},
    }  # fmt: skip
    cleaned = json.dumps(scrub(event), ensure_ascii=False)
    assert TYPED not in cleaned and str(USER_ID) not in cleaned and TOKEN.split(":")[1] not in cleaned
    assert "0123456789abcdef0123456789abcdef" in cleaned, "Sentry's own event id is kept"
    assert "input_value=<removed>" in cleaned and "bot<token>/sendMessage" in cleaned
    assert scrub('Bad Request: can\'t parse entities: unsupported start tag "x"') == (
        "Bad Request: can't parse entities: unsupported start tag <quoted>"
    )
