"""A worker reading Russia's deadlines taps "⏰ Remind me" and gets the reminders menu itself (the
arrival date is one tap away), not a screen telling them to type /reminders."""

import pytest

from bot.i18n import load_i18n
from bot.i18n.reminders import MENU
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import RunningBot

I18N = load_i18n()
REMIND_ME = {
    "tg": "⏰ Ба ман ёдрас кунед",
    "ru": "⏰ Напомните мне",
    "uz": "⏰ Menga eslatib turing",
    "en": "⏰ Remind me",
}
SET_UP = {
    "tg": "⏰ Ёдрасониро танзим кунед",
    "ru": "⏰ Настроить напоминания",
    "uz": "⏰ Eslatmalarni sozlash",
    "en": "⏰ Set up reminders",
}


@pytest.mark.parametrize("language", list(LANGUAGE_LABELS))
async def test_remind_me_opens_the_reminders_menu_in_place(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(user_id=8900, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    await user.send("/start arriving-russia")
    russia = await user.reply()
    await user.press(russia, REMIND_ME[language])
    menu = await user.reply()
    assert menu.message_id == russia.message_id, "the screen is replaced, not a new message"
    assert menu.text.startswith(I18N.gettext(MENU, locale=language))
    assert "/reminders" not in menu.text

    await user.send("/reminders")
    typed = await user.reply()
    assert (typed.text, typed.labels()) == (menu.text, menu.labels()), "the same menu as the command"


async def test_the_reminders_screens_found_by_search_start_them_with_one_tap(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(user_id=8901, language_code="ru")
    await start_in(user, "Русский")
    await user.send("/start arriving-russia")
    russia = await user.reply()
    await user.press(russia, "💳")
    patent = await user.reply()
    await user.press(patent, "⏰ Напоминание о платеже")
    about = await user.reply()
    assert "Отправьте команду /reminders" not in about.text
    await user.press(about, SET_UP["ru"])
    assert (await user.reply()).text.startswith(I18N.gettext(MENU, locale="ru"))
