"""Someone in a group chat types `@bot <country or need>` and sends a hotline card, sourced and
dated as in the lessons, in their own language; nothing about them is kept."""

import sqlite3

import pytest

from bot.config import Settings
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import start_in
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot


def card(contact_id: str, language: str) -> str:
    curriculum = real_curriculum()
    return curriculum.contact_renderer.one(contact_id, language)


def texts(answer: dict[str, object]) -> list[str]:
    results = answer["results"]
    assert isinstance(results, list)
    return [result["input_message_content"]["message_text"] for result in results]


async def test_an_empty_query_offers_the_most_needed_cards_in_the_askers_language(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    answer = await telegram.user(language_code="uz").inline("")
    contacts = real_curriculum(translated=False).contacts
    most_needed = [cid for cid, c in contacts.items() if {"emergency", "trafficking"} & set(c.needs)]
    assert most_needed[0] == "ru_emergency" and "iom_tajikistan" in most_needed
    assert texts(answer) == [card(contact_id, "uz") for contact_id in most_needed]
    assert answer["is_personal"] is True, "cards are in the asker's language: never cached for others"
    first = answer["results"][0]
    assert first["title"] == contacts["ru_emergency"].name["uz"]
    assert first["description"].startswith("112")
    button = first["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == "https://t.me/safar_test_bot?start=sos__inline"


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("России", "ru", [cid for cid, c in real_curriculum(translated=False).contacts.items() if c.country == "RU"]),
        ("Русия", "tg", [cid for cid, c in real_curriculum(translated=False).contacts.items() if c.country == "RU"]),
        ("odam savdosi", "uz", ["iom_tajikistan"]),
        ("passport russia", "en", ["tj_consulate_spb", "uz_embassy_ru"]),
    ],
)
async def test_a_country_or_need_in_any_language_finds_its_cards(
    telegram: FakeTelegram, bot: RunningBot, query: str, language: str, expected: list[str]
) -> None:
    user = telegram.user(language_code=language)
    assert texts(await user.inline(query)) == [card(contact_id, language) for contact_id in expected]


async def test_the_remembered_language_wins_over_the_phones(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Тоҷикӣ")
    assert texts(await user.inline("112"))[0] == card("ru_emergency", "tg")


async def test_nothing_found_offers_to_open_the_hotlines(telegram: FakeTelegram, bot: RunningBot) -> None:
    answer = await telegram.user(language_code="en").inline("zzzz qqq")
    assert answer["results"] == []
    assert answer["button"] == {"text": "Nothing found: open all hotlines", "start_parameter": "sos"}


async def test_nothing_about_the_asker_is_stored(telegram: FakeTelegram, bot: RunningBot, settings: Settings) -> None:
    user = telegram.user(4242, "ru")
    for query in ("", "паспорт", "торговля людьми"):
        await user.inline(query)
    await bot.app.recorder.flush()
    with sqlite3.connect(settings.db_path) as database:
        for table in ("user_settings", "fsm_state", "events", "campaign_weeks"):
            assert database.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
