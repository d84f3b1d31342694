"""A user passes Safar on: the menu and the end of each lesson carry a button that opens
Telegram's share sheet with the deep link to that lesson and a line in the user's language."""

import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.common.telegram_limits import MAX_SHARE_URL_CHARS, MAX_START_PARAMETER_CHARS
from bot.config import Settings
from tests.support.fake_telegram import FakeTelegram, Sent
from tests.support.journeys import LANGUAGE_LABELS, expected_text, start_in
from tests.support.running import RunningBot

SHARE_LABELS = {
    "tg": "📤 Ба дӯстатон фиристед",
    "ru": "📤 Поделиться с другом",
    "uz": "📤 Doʻstga ulashish",
    "en": "📤 Share with a friend",
}
SHARE_LINES = {
    "tg": "Safar: чӣ тавр бехатар ба кор ба хориҷа рафтан, қадам ба қадам, бо хатҳои боварӣ, ки кӯмак мекунанд.",
    "ru": "Safar: как безопасно уехать на работу за границу, шаг за шагом, с горячими линиями, которые помогут.",
    "uz": "Safar: chet elga ishga qanday xavfsiz borish, qadamma-qadam, yordam beradigan ishonch telefonlari bilan.",
    "en": "Safar: how to go to work abroad safely, step by step, with hotlines that help.",
}


def shared(message: Sent, language: str) -> tuple[str, str]:
    """The link and the line the share button would hand to Telegram, checked for well-formedness."""
    address = str(message.button(SHARE_LABELS[language])["url"])
    assert len(address) <= MAX_SHARE_URL_CHARS
    assert address.isascii() and " " not in address, "every part is percent-encoded"
    parts = urlsplit(address)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "t.me", "/share/url")
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"url", "text"} and all(len(v) == 1 for v in query.values())
    link = query["url"][0]
    payload = parse_qs(urlsplit(link).query)["start"][0]
    assert len(payload) <= MAX_START_PARAMETER_CHARS
    return link, query["text"][0]


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_the_menu_shares_the_bot_with_a_line_in_the_users_language(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    menu = await start_in(telegram.user(language_code=language), LANGUAGE_LABELS[language])
    link, line = shared(menu, language)
    assert link == "https://t.me/safar_test_bot?start=menu__share"
    assert line == SHARE_LINES[language]


async def test_the_end_of_a_lesson_shares_that_lesson(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="tg")
    await start_in(user, "Тоҷикӣ")
    await user.send("/start recruitment")
    offer = await user.reply()
    assert SHARE_LABELS["tg"] not in offer.labels(), "only at the end, not on every screen"
    await user.press(offer, "Не")
    await user.press(await user.reply(), "Ҳамааш хуб аст")
    done = await user.reply()
    assert done.text == expected_text("recruitment", "done", "tg")
    assert shared(done, "tg") == ("https://t.me/safar_test_bot?start=recruitment__share", SHARE_LINES["tg"])


async def test_a_friend_following_a_shared_link_is_counted_as_share(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings
) -> None:
    friend = telegram.user(777, "uz")
    await friend.send("/start recruitment__share")
    await friend.press(await friend.reply(), "Oʻzbekcha")
    assert (await friend.reply()).text == expected_text("recruitment", "offer", "uz")
    await bot.app.unlinked.flush()  # counts are written on the hour, with other people's rows
    with sqlite3.connect(settings.db_path) as database:
        rows = database.execute("SELECT campaign, opens, new_users FROM campaign_weeks").fetchall()
    assert rows == [("share", 1, 1)]
