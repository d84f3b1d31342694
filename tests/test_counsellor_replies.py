"""A person in an open case is never met by silence: the message still goes to the counsellors as it
was, and Safar answers once a burst ("sent"), with the hotlines at once when the words read as danger,
and, outside working hours, with when the counsellors are back. `/start` in a case says it is open."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.handlers.counsellor_replies import DANGER_IN_CASE, SENT, STILL_OPEN
from bot.i18n.messages import DANGER_FIRST
from tests.support.clock import ManualClock
from tests.support.desk import MONDAY_MORNING, copies_into, label, open_case, set_up_desk
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import RunningBot

SATURDAY_NIGHT = datetime(2027, 2, 26, 20, 0, tzinfo=UTC)
"""01:00 on Saturday in Dushanbe: counsellors are back on Monday 01.03 at 09:00 (07:00 in Moscow)."""


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
async def desk_bot(settings: Settings, telegram: FakeTelegram, clock: ManualClock) -> AsyncIterator[RunningBot]:
    running = RunningBot(set_up_desk(settings, telegram), clock)
    await running.start()
    yield running
    await running.stop()


def said(bot: RunningBot, text: str, language: str, **values: object) -> str:
    return label(bot, text, language).format(**values) if values else label(bot, text, language)


@pytest.mark.parametrize("language", ["ru", "tg"])
async def test_danger_typed_at_night_in_a_case_gets_the_hotlines_and_when_counsellors_are_back(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock, language: str
) -> None:
    clock.set(SATURDAY_NIGHT)
    user = telegram.user(user_id=5151, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    acknowledgement, topic = await open_case(desk_bot, user, language)
    assert "01.03, 09:00" in acknowledgement.text and "(07:00 " in acknowledgement.text

    await user.send("mne srochno nuzhna pomosh, menya ne vypuskayut s obekta")
    alarm = await user.reply()
    assert alarm.text.startswith(said(desk_bot, DANGER_IN_CASE, language, number="#1")[:40])
    assert said(desk_bot, DANGER_FIRST, language)[:40] in alarm.text
    assert "112" in alarm.text and alarm.labels()  # the hotlines and their buttons, as outside a case
    assert "01.03, 09:00" not in alarm.text  # the return was told once, when the case opened
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 1)
    assert copies_into(telegram, topic)[0]["text"].startswith("mne srochno")  # relayed unchanged

    await user.send("menya zapirayut na noch, ne vypuskayut")  # the alarm is on the screen already
    clock.advance(minutes=20)
    await user.send("menya zapirayut na noch")  # a new burst: the hotlines again
    assert (await user.reply()).text.startswith(said(desk_bot, DANGER_IN_CASE, language, number="#1")[:40])
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 3)
    assert user.nothing_sent()  # the second message, in the same burst, had no alarm of its own


async def test_a_case_opened_in_hours_is_told_once_when_counsellors_have_gone(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock
) -> None:
    user = telegram.user(user_id=5252, language_code="en")
    await start_in(user, LANGUAGE_LABELS["en"])
    acknowledgement, topic = await open_case(desk_bot, user, "en")
    assert "not at work" not in acknowledgement.text

    await user.send("Hello, I have a question about my contract")
    assert (await user.reply()).text == SENT
    await user.send("It says I pay for the flight")  # the same burst: no second "sent"
    await user.send("and the boss took my passport")  # the same burst, but danger: the hotlines at once
    alarm = await user.reply()
    assert alarm.text.startswith("📨 This went to the counsellor too (case #1)") and DANGER_FIRST[:30] in alarm.text
    clock.set(SATURDAY_NIGHT)
    await user.send("Are you there?")
    away = await user.reply()
    assert "back Monday 01.03, 09:00 Dushanbe time (07:00 Moscow time)" in away.text and "/sos" in away.text
    clock.advance(minutes=30)
    await user.send("Hello?")  # a new burst, the same closed spell: "sent", not the return again
    assert (await user.reply()).text == SENT
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 5)
    assert user.nothing_sent()


async def test_start_in_a_case_says_the_case_is_still_open(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=5353, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    await user.send("/start")
    notice = await user.reply()
    assert notice.text == said(desk_bot, STILL_OPEN, "ru", number="#1")
    assert notice.labels() == [label(desk_bot, "End conversation", "ru")]
    menu = await user.reply()
    assert menu.labels()  # the menu still comes, under the notice
    await user.press(notice, label(desk_bot, "End conversation", "ru"))
    await user.reply()
    await user.send("/start")  # the case has ended: the menu alone
    assert (await user.reply()).text != notice.text
    assert copies_into(telegram, topic) == []
