"""One user flooding the bot is slowed down with one polite notice; everyone else is served."""

import asyncio

from bot.config import Settings
from tests.conftest import RunningBot
from tests.fake_telegram import FakeTelegram
from tests.journeys import start_in


async def test_a_flooding_user_is_throttled_with_one_notice_and_others_are_unaffected(
    telegram: FakeTelegram, settings: Settings
) -> None:
    limited = settings.model_copy(update={"flood_updates_per_second": 3.0, "flood_burst": 10})
    bot = RunningBot(limited)
    await bot.start()
    try:
        flooder = telegram.user(user_id=666, language_code="ru")
        calm = telegram.user(user_id=777, language_code="en")
        await start_in(calm, "English")
        for _ in range(100):  # about 100 updates a second
            await flooder.send("паспорт")
            await asyncio.sleep(0.01)
        for _ in range(3):
            await calm.send("/menu")
            await asyncio.wait_for(calm.reply(), 5)
        await asyncio.sleep(1)
        to_flooder = []
        while not flooder.nothing_sent():
            to_flooder.append(await flooder.reply())
        notices = [m for m in to_flooder if m.text.startswith("Вы отправляете сообщения очень быстро")]
        assert len(notices) == 1
        answered = len(to_flooder) - len(notices)
        assert 10 <= answered <= 16, "a burst of 10, then about 3 a second"

        await asyncio.sleep(4)  # calm again: served as usual
        await flooder.send("/menu")
        assert "Сафар" in (await flooder.reply()).text
    finally:
        await bot.stop()


async def test_pressing_buttons_in_a_flood_still_stops_the_spinner(telegram: FakeTelegram, settings: Settings) -> None:
    limited = settings.model_copy(update={"flood_updates_per_second": 1.0, "flood_burst": 2})
    bot = RunningBot(limited)
    await bot.start()
    try:
        user = telegram.user(user_id=888, language_code="en")
        menu = await start_in(user, "English")
        answers = await asyncio.gather(*(user.press(menu, "All topics") for _ in range(6)))
        answered = {answer["callback_query_id"] for answer in answers}
        assert len(answered) == 6, "every press is answered, throttled or not"
        shown = []
        while not (shown and shown[-1].text.startswith("You are sending messages very fast.")):
            shown.append(await user.reply())
        assert len(shown) - 1 < 6, "some of the presses were throttled, and their spinners stopped all the same"
    finally:
        await bot.stop()
