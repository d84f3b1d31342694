"""Someone types a question, opens one of the screens found, and presses "◀️ Back": they return to
the list they chose from (to try another), not to the main menu. Screens opened further on step
back one by one, then to the list. Forged or stale buttons get a clear answer."""

import pytest

from bot.content.curriculum import NodeId, node_ref
from bot.i18n import load_i18n
from bot.i18n.messages import NAV_LABELS, SEARCH_FOUND
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, expected_text, open_topic, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

I18N = load_i18n()
CURRICULUM = real_curriculum()
STALE = "This menu has changed. Here is the current one."
QUESTION = {
    "tg": "патентро чӣ тавр пардохт кунам",
    "ru": "как оплатить патент",
    "uz": "patentni qanday toʻlash kerak",
    "en": "how do i pay for the patent",
}


def said(msgid: str, language: str) -> str:
    return I18N.gettext(msgid, locale=language)


async def results(user: FakeUser, language: str) -> Sent:
    await user.send(QUESTION[language])
    found = await user.reply()
    assert found.text == said(SEARCH_FOUND, language)
    return found


def screens(found: Sent) -> list[str]:
    """The found screens' labels: the list without its menu row."""
    return [b["text"] for row in found.buttons[:-1] for b in row]


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_back_from_a_screen_found_returns_to_the_list_and_another_can_be_chosen(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    found = await results(user, language)
    listed = screens(found)
    assert len(listed) >= 2
    assert all(len(str(b["callback_data"]).encode()) <= 64 for row in found.buttons for b in row)

    await user.press(found, listed[0])
    first = await user.reply()
    assert first.text != found.text
    await user.press(first, said(NAV_LABELS["back"], language))
    again = await user.reply()
    assert (again.message_id, again.text, again.labels()) == (found.message_id, found.text, found.labels())

    await user.press(again, listed[1])
    second = await user.reply()
    await user.press(second, said(NAV_LABELS["back"], language))
    assert screens(await user.reply()) == listed, "back to the list once more"


async def test_screens_opened_further_step_back_one_by_one_then_to_the_list(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    await open_topic(user, menu, "Coming home")
    lesson = await user.reply()
    assert lesson.text == expected_text("coming_home", "start", "en")
    await user.send("what do I need to know about a ban on entry")
    found = await user.reply()
    assert found.text == said(SEARCH_FOUND, "en")
    await user.press(found, screens(found)[0])
    chosen = await user.reply()
    inner = [label for label in screens(chosen) if label != said(NAV_LABELS["back"], "en")]
    await user.press(chosen, inner[0])
    further = await user.reply()
    await user.press(further, "◀️ Back")
    assert (await user.reply()).text == chosen.text, "one step back: the screen chosen"
    await user.press(chosen, "◀️ Back")
    listed = await user.reply()
    assert listed.text == found.text and screens(listed) == screens(found), "then the list"
    await user.press(listed, "🏠 Menu")
    assert (await user.reply()).text == expected_text("main", "menu", "en")


async def test_forged_and_stale_result_buttons_get_a_clear_answer(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    found = await results(user, "en")
    patent = node_ref(NodeId("abroad", "patent"))

    await user.press_data(found, f"fo:{patent}:zzzzzzzz")  # a list whose screens do not exist
    assert (await user.reply()).text == expected_text("abroad", "patent", "en")
    await user.press_data(found, "n:back")
    assert (await user.reply()).text == expected_text("main", "menu", "en"), "the way back from before the list"

    for forged in (f"fo:zzzzzzzz:{patent}", "fo:ab!:cd", f"fo:{patent}:" + ".".join([patent] * 9)):
        answer = await user.press_data(found, forged)
        assert answer["text"] == STALE, forged
        assert (await user.reply()).text == f"{STALE}\n\n{expected_text('main', 'menu', 'en')}"

    fresh = await results(user, "en")
    await user.press(fresh, screens(fresh)[0])
    opened = await user.reply()
    await user.send("/menu")
    await user.reply()
    await user.press(opened, "◀️ Back")  # on an older message, after /menu began afresh
    assert (await user.reply()).text == expected_text("main", "menu", "en"), "no way back is left: the menu"
