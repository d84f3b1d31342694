"""Steps shared by the end-to-end tests, in the words a user would use."""

import re
from functools import cache

from aiogram.utils.i18n import I18n

from bot.content.curriculum import NodeId
from bot.i18n import load_i18n
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.real_content import real_curriculum


def expected_text(lesson: str, node: str, language: str) -> str:
    """What the real content says at a node, so tests follow content edits."""
    curriculum = real_curriculum()
    return curriculum.render_node(NodeId(lesson, node), language).text


async def start_in(user: FakeUser, language_label: str) -> Sent:
    """Send /start, pick a language, and return the main menu message."""
    await user.send("/start")
    picker = await user.reply()
    await user.press(picker, language_label)
    return await user.reply()


async def open_topic(user: FakeUser, menu: Sent, lesson_label: str) -> None:
    """Open a lesson the way a user does from the main menu: through the list of all topics."""
    await user.press(menu, "📚")
    await user.press(await user.reply(), lesson_label)


LANGUAGE_LABELS = {"tg": "Тоҷикӣ", "ru": "Русский", "uz": "Oʻzbekcha", "en": "English"}
"""The language picker's buttons."""
TAJIK_LETTERS = re.compile("[ғӣқӯҳҷҒӢҚӮҲҶ]")
"""Letters only Tajik Cyrillic has: a Tajik text without any is probably Russian pasted in."""
CYRILLIC = re.compile("[а-яёА-ЯЁ]")
NAMES_KEPT_IN_CYRILLIC = (
    "Муҳоҷир",
    "Проверка наличия оснований для неразрешения въезда",
    "http://сервисы.гувм.мвд.рф/info-service.htm?sid=3000",
    "мвд.рф",
    "онлайнинспекция.рф",
    "Сообщить о проблеме",
)
"""Names an Uzbek text quotes as they are written on Russian and Tajik screens and sites."""


def cyrillic_in_uzbek(text: str) -> re.Match[str] | None:
    """Cyrillic in an Uzbek text, leaving out the names users must recognise as written."""
    for name in NAMES_KEPT_IN_CYRILLIC:
        text = text.replace(name, "")
    return CYRILLIC.search(text)


@cache
def catalogues() -> I18n:
    """The interface's catalogues, compiled once per test process."""
    return load_i18n()


def said(msgid: str, language: str) -> str:
    """An interface string as a reader of `language` sees it."""
    return catalogues().gettext(msgid, locale=language)


async def started(telegram: FakeTelegram, language: str) -> FakeUser:
    """A new user who has sent /start and chosen `language`."""
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    return user
