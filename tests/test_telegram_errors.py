"""Telegram saying no: flood waits are waited out, blocked users and outages do not kill the bot."""

import time

from tests.support.fake_telegram import BadRequest, FakeTelegram
from tests.support.journeys import expected_text, start_in
from tests.support.running import RunningBot


async def test_a_flood_wait_is_waited_out_and_the_reply_still_arrives(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    telegram.fail_next("sendMessage", BadRequest("Too Many Requests: retry after 1", 429, retry_after=1))
    began = time.monotonic()
    await user.send("/sos")
    hotlines = await user.reply()
    assert time.monotonic() - began >= 1, "the retry waited for retry_after"
    assert hotlines.text == expected_text("hotlines", "start", "en")
    delivered = [m for m, _ in telegram.calls if m == "sendMessage"]
    assert len(delivered) == 2, "the language picker and one /sos reply: the retry sent no duplicate"


async def test_a_user_who_blocked_the_bot_does_not_stop_it(telegram: FakeTelegram, bot: RunningBot) -> None:
    blocked = telegram.user(user_id=1, language_code="en")
    other = telegram.user(user_id=2, language_code="en")
    telegram.fail_next("sendMessage", BadRequest("Forbidden: bot was blocked by the user", 403))
    await blocked.send("/start")
    await bot.settled(telegram)
    assert telegram.failures == [], "the bot wrote, and Telegram refused it with the 403"
    await start_in(other, "English")
    menu = await start_in(blocked, "English")  # unblocked again: served as anyone else
    assert menu.text == expected_text("main", "menu", "en")
