"""A typed question the lessons do not cover (the weather, a phone to buy) is told so plainly, with
the menu and, with the counsellors' desk open, a person to ask; it is not shown a screen that only
shares a word with it. Words that say nothing (a greeting) still get the hint to try other words."""

import html

from bot.config import Settings
from bot.handlers.counsellors import TALK_LABEL
from bot.i18n.messages import NOT_COVERED, NOT_COVERED_ASK_PERSON, SEARCH_FOUND, SEARCH_NOTHING_FOUND
from tests.support.desk import label, set_up_desk
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, expected_text, start_in
from tests.support.running import RunningBot

NOT_COVERED_QUESTIONS = {
    "tg": "курби доллар имрӯз чанд",
    "ru": "какой курс доллара сегодня",
    "uz": "ertaga Toshkentda havo qanday",
    "en": "what is the best phone for 200 dollars",
}


async def test_a_question_no_lesson_covers_is_told_so_with_the_menu(telegram: FakeTelegram, bot: RunningBot) -> None:
    for number, (language, question) in enumerate(NOT_COVERED_QUESTIONS.items()):
        user = telegram.user(user_id=7100 + number, language_code=language)
        await start_in(user, LANGUAGE_LABELS[language])
        await user.send(question)
        answer = await user.reply()
        assert answer.text.startswith(html.escape(label(bot, NOT_COVERED, language))), (language, answer.text)
        assert answer.text.endswith(expected_text("main", "menu", language))
        assert label(bot, SEARCH_FOUND, language) not in answer.text, "no screen that does not fit"
        assert label(bot, TALK_LABEL, language) not in answer.labels(), "no desk: nobody to offer"


async def test_a_message_mostly_of_words_no_lesson_uses_is_not_covered(telegram: FakeTelegram, bot: RunningBot) -> None:
    """A football score or tomorrow's weather in a town shares a word or a place with some screen,
    but most of its words are in no lesson: it is not covered, not answered with that screen."""
    for number, (language, question) in enumerate(
        {"ru": "кто вчера выиграл футбол Спартак Зенит, дети спрашивают", "tg": "ҳавои Кӯлоб пагоҳ чӣ хел аст"}.items()
    ):
        user = telegram.user(user_id=7300 + number, language_code=language)
        await start_in(user, LANGUAGE_LABELS[language])
        await user.send(question)
        answer = await user.reply()
        assert answer.text.startswith(html.escape(label(bot, NOT_COVERED, language))), (language, answer.text)


async def test_the_weather_typed_ob_havo_is_not_covered(telegram: FakeTelegram, bot: RunningBot) -> None:
    """Uzbek "ob-havo" (weather) splits into "ob" and "havo"; "ob" folds like Russian "об" (about), a
    preposition of the lessons' text ("сообщить об агентстве"), and must not find their screens."""
    user = telegram.user(language_code="uz")
    await start_in(user, LANGUAGE_LABELS["uz"])
    await user.send("ertaga Samarqandda ob-havo qanday boʻladi")
    answer = await user.reply()
    assert answer.text.startswith(html.escape(label(bot, NOT_COVERED, "uz"))), answer.text


async def test_a_word_that_matches_nothing_still_gets_the_hint_to_try_other_words(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    """A greeting gets a greeting back (tests/test_greetings.py); an unknown word, the hint."""
    user = telegram.user(language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send("zzz")
    answer = await user.reply()
    assert answer.text.startswith(html.escape(label(bot, SEARCH_NOTHING_FOUND, "ru")))


async def test_with_the_desk_a_question_no_lesson_covers_offers_a_person(
    settings: Settings, telegram: FakeTelegram
) -> None:
    set_up_desk(settings, telegram)
    running = RunningBot(settings)
    await running.start()
    try:
        user = telegram.user(user_id=7200, language_code="tg")
        await start_in(user, LANGUAGE_LABELS["tg"])
        await user.send(NOT_COVERED_QUESTIONS["tg"])
        answer = await user.reply()
        assert answer.text.startswith(html.escape(label(running, NOT_COVERED_ASK_PERSON, "tg"))), answer.text
        assert answer.labels()[0] == label(running, TALK_LABEL, "tg"), "a person first"
        await user.press(answer, label(running, TALK_LABEL, "tg"))
        assert "Hamsafar NGO" in (await user.reply()).text, "the consent screen before a case opens"
    finally:
        await running.stop()
