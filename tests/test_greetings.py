"""Someone who says hello or thanks gets a kind word and the menu, not "no lesson found"; a
greeting with a question in it is still read as the question."""

import pytest

from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, expected_text, start_in
from tests.support.running import RunningBot

HELLO = {"tg": "Салом! 👋", "ru": "Здравствуйте! 👋", "uz": "Assalomu alaykum! 👋", "en": "Hello! 👋"}
THANKS = {
    "tg": "Саломат бошед! 🙂",
    "ru": "Пожалуйста! 🙂",
    "uz": "Arzimaydi! 🙂",
    "en": "You are welcome! 🙂",
}
NOTHING_FOUND = {
    "tg": "Дар ин бора дарс",
    "ru": "Урока об этом",
    "uz": "Bu haqda dars topmadim",
    "en": "I did not find a lesson",
}


@pytest.mark.parametrize(
    ("language", "typed", "kind"),
    [
        ("tg", "салом", HELLO),
        ("tg", "рахмат", THANKS),
        ("tg", "Ташаккури зиёд!", THANKS),
        ("ru", "spasibo", THANKS),
        ("ru", "Спасибо большое", THANKS),
        ("ru", "привет", HELLO),
        ("uz", "salom", HELLO),
        ("uz", "rahmat", THANKS),
        ("uz", "Ассалому алайкум", HELLO),
        ("uz", "katta rahmat aka", THANKS),
        ("en", "hello", HELLO),
        ("en", "thanks!", THANKS),
    ],
)
async def test_a_greeting_or_thanks_gets_a_kind_word_and_the_menu(
    telegram: FakeTelegram, bot: RunningBot, language: str, typed: str, kind: dict[str, str]
) -> None:
    user = telegram.user(user_id=8950, language_code=language)
    menu = await start_in(user, LANGUAGE_LABELS[language])
    await user.send(typed)
    answer = await user.reply()
    assert answer.text.startswith(kind[language]), answer.text
    assert answer.text.endswith(expected_text("main", "menu", language))
    assert answer.labels() == [label for label in menu.labels() if not label.startswith("📤")], "the menu's topics"
    assert NOTHING_FOUND[language] not in answer.text


async def test_a_greeting_with_a_question_is_answered_as_the_question(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(user_id=8951, language_code="ru")
    await start_in(user, "Русский")
    await user.send("привет, у меня забрали паспорт")
    answer = await user.reply()
    assert not answer.text.startswith(HELLO["ru"]), "the question comes first"
