"""A button from an old message whose target is gone, or data no button ever carried: the person
gets a new message at the bottom of the chat (where they look) saying the menu has changed, with
the current menu under it, in their language; each press is answered, none leaves them with
nothing new to see, and the old message is left as it was."""

import pytest

from bot.handlers.stale import MENU_CHANGED
from bot.i18n import load_i18n
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, expected_text, open_topic, start_in
from tests.support.running import RunningBot

I18N = load_i18n()


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_an_unknown_old_button_brings_a_fresh_menu_at_the_bottom_every_time(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(language_code=language)
    menu = await start_in(user, LANGUAGE_LABELS[language])
    old = telegram.messages[(menu.chat_id, menu.message_id)]
    old_text, old_labels = old.text, old.labels()
    await user.send("/privacy")  # the chat moves on; the menu is now further up
    await user.reply()

    changed = I18N.gettext(MENU_CHANGED, locale=language)
    seen = set()
    for _press in range(2):
        answer = await user.press_data(menu, "g:zzzzzzzz")  # a screen that no longer exists
        assert answer["text"] == changed
        fresh = await user.reply()
        assert fresh.method == "sendMessage" and fresh.message_id != menu.message_id, "new, at the bottom"
        assert fresh.text == f"{changed}\n\n{expected_text('main', 'menu', language)}"
        assert fresh.labels() == old_labels, "the current menu's buttons"
        seen.add(fresh.message_id)
    assert len(seen) == 2, "a second press is answered too, not with a silent non-edit"
    kept = telegram.messages[(menu.chat_id, menu.message_id)]
    assert (kept.text, kept.labels()) == (old_text, old_labels), "the old message is left as it was"


async def test_a_gone_lesson_screen_button_deep_in_a_lesson_brings_the_menu_below(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="ru")
    menu = await start_in(user, LANGUAGE_LABELS["ru"])
    await open_topic(user, menu, "Агентства и предложения работы")
    lesson = await user.reply()
    await user.press_data(lesson, "a:zzzzzzzz:0")  # an answer to a question that no longer exists
    fresh = await user.reply()
    assert fresh.method == "sendMessage"
    assert fresh.text.endswith(expected_text("main", "menu", "ru"))
