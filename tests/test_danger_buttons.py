"""A person in danger on a cheap phone sees a short, relevant keyboard under the hotlines: one tap
per country (when none was named), the screen of their situation, the red-flag check only where it
is about their danger, a person when the counsellors' desk is set up, and the menu. Not the dozen
screens the message happened to match ("delete your data" under a police detention)."""

import pytest

from bot.config import Settings
from bot.content.curriculum import NodeId
from bot.handlers.counsellors import TALK_LABEL
from bot.i18n.messages import DANGER_FIRST, NAV_LABELS
from bot.services.danger_view import offer_label
from tests.support.desk import set_up_desk
from tests.support.fake_telegram import FakeTelegram, Sent
from tests.support.journeys import LANGUAGE_LABELS, expected_text, said, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

CURRICULUM = real_curriculum()
FLAGS = ("🇷🇺", "🇰🇿", "🇺🇿", "🇹🇯")
MAX_ROWS = 6
DETAINED = {
    "tg": "маро полис гирифт",
    "ru": "меня задержала полиция",
    "uz": "politsiya ushladi akamni",
    "en": "the police detained me",
}
DANGERS = [
    ("ru", "меня задержала полиция"),
    ("ru", "у меня забрали паспорт"),
    ("ru", "меня держат взаперти в Казахстане"),
    ("ru", "меня избили"),
    ("en", "police took me and i am locked up"),
    ("en", "in Russia my boss beats me"),
    ("tg", "паспортамро гирифтанд"),
    ("uz", "pasportimni olib qoʻyishdi"),
]


def title(lesson: str, node: str, language: str) -> str:
    return offer_label(CURRICULUM, NodeId(lesson, node), language)


def offered(alarm: Sent) -> list[str]:
    """What the alarm offers besides the countries and the last (navigation) row."""
    return [label for row in alarm.buttons[:-1] for label in (b["text"] for b in row) if label[:2] not in FLAGS]


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_a_police_detention_offers_the_detainees_rights_a_person_and_the_menu_and_nothing_out_of_place(
    telegram: FakeTelegram, settings: Settings, language: str
) -> None:
    set_up_desk(settings, telegram)
    bot = RunningBot(settings)
    await bot.start()
    try:
        user = telegram.user(language_code=language)
        await start_in(user, LANGUAGE_LABELS[language])
        await user.send(DETAINED[language])
        alarm = await user.reply()
        assert alarm.text.startswith(said(DANGER_FIRST, language))
        assert offered(alarm) == [title("abroad", "detained", language), said(TALK_LABEL, language)]
        assert alarm.buttons[-1][0]["text"] == said(NAV_LABELS["home"], language)
        assert len(alarm.buttons) <= MAX_ROWS
        await user.press(alarm, title("abroad", "detained", language))
        assert (await user.reply()).text == expected_text("abroad", "detained", language)
    finally:
        await bot.stop()


@pytest.mark.parametrize(("language", "typed"), DANGERS)
async def test_every_danger_answer_fits_a_small_screen_with_countries_two_to_a_row(
    telegram: FakeTelegram, bot: RunningBot, language: str, typed: str
) -> None:
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    await user.send(typed)
    alarm = await user.reply()
    assert alarm.text.startswith(said(DANGER_FIRST, language)), typed
    assert len(alarm.buttons) <= MAX_ROWS and len(alarm.labels()) <= 8, alarm.labels()
    assert len(offered(alarm)) <= 2, "the situation's screens or the check: two at most"
    countries = [row for row in alarm.buttons if any(b["text"][:2] in FLAGS for b in row)]
    assert all(len(row) == 2 for row in countries), "countries side by side"
    assert all(len(str(b.get("callback_data", "")).encode()) <= 64 for row in alarm.buttons for b in row)
    by_kind = offer_label(CURRICULUM, NodeId("hotlines", "needs"), language)
    allowed = {CURRICULUM.title("red_flags", language), by_kind} | {
        title(lesson, node, language)
        for lesson, node in (
            ("abroad", "detained"), ("abroad", "documents_taken"), ("abroad", "unpaid"), ("hotlines", "trafficking"),
        )
    }  # fmt: skip
    assert set(offered(alarm)) <= allowed, offered(alarm)


async def test_the_red_flag_check_is_offered_where_it_is_about_the_danger(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send("меня держат взаперти в Казахстане")
    locked_in = await user.reply()
    assert offered(locked_in) == [title("hotlines", "trafficking", "ru"), CURRICULUM.title("red_flags", "ru")]
    await user.press(locked_in, CURRICULUM.title("red_flags", "ru"))
    assert (await user.reply()).text == expected_text("red_flags", "intro", "ru")
