"""Without a counsellors' group (the default set-up) nothing offers a person who is not there: a search
for "a person", the tools list and the lessons that offered one lead to the hotlines by kind of help
instead. With the group, the same search result opens the offer itself. And the ways a person is
told what Safar cannot read: a voice note, a video note or a file, an unreadable photo."""

from collections.abc import AsyncIterator

import pytest

from bot.common.navigation import NavAction
from bot.config import Settings
from bot.content.curriculum import PERSON_OFFER, TALK_TOOL, node_ref
from bot.handlers.callback_data import OpenNode
from bot.handlers.fallback import MEDIA_WITHOUT_DESK
from bot.handlers.screens import TALK_LABEL, WHO_CAN_HELP_LABEL
from bot.i18n.messages import NAV_LABELS
from tests.support.clock import ManualClock
from tests.support.desk import MONDAY_MORNING, label, set_up_desk
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

PERSON_TITLES = {"tg": "Бо одам гуфтугӯ кардан", "ru": "Поговорить с человеком", "uz": "Odam bilan gaplashish"}
"""The tools screen's title, as a search result shows it."""
ASKING_FOR_A_PERSON = [
    ("ru", "mne nujen chelovek"),
    ("ru", "оператор"),
    ("ru", "хочу поговорить с живым человеком"),
    ("tg", "бо одами зинда гап задан мехоҳам"),
    ("uz", "tirik odam bilan gaplashmoqchiman"),
]


def offers_a_person(bot: RunningBot, screen: Sent, language: str) -> bool:
    return any(
        label(bot, TALK_LABEL, language) in text or PERSON_TITLES[language] in text
        for text in [*screen.labels(), screen.text]
    )


async def person(bot: RunningBot, telegram: FakeTelegram, user_id: int, language: str) -> FakeUser:
    user = telegram.user(user_id=user_id, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    return user


@pytest.mark.parametrize(("language", "words"), ASKING_FOR_A_PERSON)
async def test_asking_for_a_person_without_a_desk_leads_to_the_hotlines_by_kind(
    bot: RunningBot, telegram: FakeTelegram, language: str, words: str
) -> None:
    user = await person(bot, telegram, 7101, language)
    await user.send(words)
    found = await user.reply()
    assert not offers_a_person(bot, found, language), found.labels()
    instead = label(bot, WHO_CAN_HELP_LABEL, language)
    assert found.labels()[0] == instead
    await user.press(found, instead)
    kinds = await user.reply()
    needs = real_curriculum().lessons["hotlines"].nodes["needs"].text
    assert kinds.text == needs[language]  # "What kind of help do you need?": legal aid, and more


async def test_the_tools_list_and_the_lessons_offer_no_absent_person(bot: RunningBot, telegram: FakeTelegram) -> None:
    user = await person(bot, telegram, 7102, "ru")
    instead = label(bot, WHO_CAN_HELP_LABEL, "ru")
    await user.send("/menu")
    menu = await user.reply()
    await user.press(menu, "📚 Все темы")
    topics = await user.reply()
    await user.press(topics, "🧰 Что умеет Сафар")
    tools = await user.reply()
    assert not offers_a_person(bot, tools, "ru") and "поговорить с человеком" not in tools.text
    assert tools.labels().count(instead) == 1
    await user.send("/start families")  # a lesson whose screens offered "Talk to a person"
    families = await user.reply()
    assert not offers_a_person(bot, families, "ru") and instead in families.labels()
    await user.press(families, "📵 Близкий не отвечает")
    missing = await user.reply()
    assert not offers_a_person(bot, missing, "ru") and instead in missing.labels()
    assert "Поговорите с человеком" not in missing.text


@pytest.fixture
async def desk_bot(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    running = RunningBot(set_up_desk(settings, telegram), ManualClock(MONDAY_MORNING))
    await running.start()
    yield running
    await running.stop()


async def test_with_the_desk_asking_for_a_person_opens_the_offer_at_once(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await person(desk_bot, telegram, 7103, "ru")
    await user.send("оператор")
    found = await user.reply()
    await user.press(found, "💬 " + PERSON_TITLES["ru"])
    consent = await user.reply()
    assert "Hamsafar NGO" in consent.text
    assert "09:00–18:00 по времени Душанбе (07:00–16:00 по московскому времени)" in consent.text
    assert "Asia/Dushanbe" not in consent.text and "Safar" not in consent.text


@pytest.mark.parametrize("kind", ["voice", "video_note", "document"])
async def test_a_file_without_a_desk_says_what_safar_can_do_and_shows_the_hotlines(
    bot: RunningBot, telegram: FakeTelegram, kind: str
) -> None:
    user = await person(bot, telegram, 7104, "tg")
    await user.send_media(kind)
    told = await user.reply()
    assert told.text == label(bot, MEDIA_WITHOUT_DESK, "tg")
    hotlines = label(bot, NAV_LABELS[NavAction.HELP.value], "tg")
    assert hotlines in told.labels()
    await user.press(told, hotlines)
    assert "112" in (await user.reply()).text


def test_the_screens_the_code_names_exist_in_the_content() -> None:
    """The offer of a person and the hotlines by kind are named in code (bot/content/curriculum.py)."""
    curriculum = real_curriculum()
    assert curriculum.has(PERSON_OFFER) and curriculum.help_by_kind is not None
    talk = [b.tool for b in curriculum.node(PERSON_OFFER).buttons]
    assert talk == [TALK_TOOL]


async def test_an_old_button_to_the_offer_of_a_person_leads_to_the_hotlines_by_kind(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = await person(bot, telegram, 7105, "uz")
    await user.send("/menu")
    menu = await user.reply()
    await user.press_data(menu, OpenNode(ref=node_ref(PERSON_OFFER)).pack())  # from when the desk was open
    shown = await user.reply()
    assert shown.text == real_curriculum().lessons["hotlines"].nodes["needs"].text["uz"]
