"""The Bot API misbehaving: 429s, 500s, cut connections and calls that never answer.

Replies arrive once the API recovers, the bot never dies, and it never spins: while the API is
down, the number of calls it makes stays small.
"""

import logging

import pytest

from bot.config import Settings
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, start_in
from tests.support.running import RunningBot

KINDS = ["500", "429", "reset", "timeout"]


@pytest.fixture
def impatient(settings: Settings) -> Settings:
    """A short Bot API timeout, so a call that never answers fails within the test's time."""
    return settings.model_copy(update={"bot_api_timeout_seconds": 1.0})


@pytest.mark.parametrize("kind", KINDS)
async def test_a_reply_survives_an_outage_and_arrives_once(
    kind: str, telegram: FakeTelegram, impatient: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    bot = RunningBot(impatient)
    await bot.start()
    try:
        user = telegram.user(language_code="en")
        await start_in(user, "English")
        telegram.start_outage(kind, seconds=3, methods=frozenset({"sendMessage"}))
        await user.send("/menu")
        menu = await user.reply(within=20)
        assert menu.text == expected_text("main", "menu", "en")
        assert 1 <= telegram.outage_calls["sendMessage"] <= 6, "retried with backoff, not in a loop"
        await bot.settled(telegram)  # retries end with the update's handling
        assert user.nothing_sent(), "delivered once"
        await user.send("/menu")
        assert (await user.reply()).text == expected_text("main", "menu", "en"), "still running"
    finally:
        await bot.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("kind", ["500", "reset", "timeout"])
async def test_polling_waits_out_a_dead_api_without_spinning(
    kind: str, telegram: FakeTelegram, impatient: Settings
) -> None:
    bot = RunningBot(impatient)
    await bot.start()
    try:
        user = telegram.user(language_code="ru")
        await start_in(user, "Русский")
        telegram.start_outage(kind, seconds=4)
        await user.send("/menu")
        menu = await user.reply(within=20)  # every call fails until the outage is over: it has ended now
        assert telegram.outage_calls["getUpdates"] <= 8, "backed off between failed polls"
        assert menu.text == expected_text("main", "menu", "ru"), "the update waiting on the server arrives"
    finally:
        await bot.stop()
