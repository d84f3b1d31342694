"""The three outcomes of a typed message: clear danger gets the hotlines first; unclear danger gets
one question, "Are you or someone close to you in danger now?" (yes: the hotlines; no: the answer);
a message that only mentions danger (asks about it, denies it, uses an ordinary word that looks like
a danger word) gets the answer. Police detention and a missing relative are danger kinds of their
own, whose screens come with the hotlines."""

import itertools

import pytest

from bot.content.curriculum import NodeId, node_ref
from bot.i18n.messages import DANGER_FIRST, DANGER_NO, DANGER_QUESTION, DANGER_YES, SEARCH_FOUND
from bot.understanding.search import screen_title
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, said, started
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

CURRICULUM = real_curriculum()
STALE = "This menu has changed. Here is the current one."
UNCLEAR = {  # a brother who does not answer: gone missing, or a flat battery
    "tg": "бародарам ҷавоб намедиҳад",
    "ru": "брат не отвечает",
    "uz": "akam javob bermayapti",
    "en": "my brother does not answer",
}


def title(lesson: str, node: str, language: str) -> str:
    return screen_title(CURRICULUM, NodeId(lesson, node), language)


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_an_unclear_message_asks_once_and_yes_brings_the_hotlines_and_what_to_do(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = await started(telegram, language)
    await user.send(UNCLEAR[language])
    question = await user.reply()
    assert question.text == said(DANGER_QUESTION, language)
    assert question.labels() == [said(DANGER_YES, language), said(DANGER_NO, language)]
    assert all(len(str(b["callback_data"]).encode()) <= 64 for row in question.buttons for b in row)

    await user.press(question, said(DANGER_YES, language))
    alarm = await user.reply()
    assert alarm.message_id == question.message_id, "the question becomes the answer"
    assert alarm.text == f"{said(DANGER_FIRST, language)}\n\n{expected_text('hotlines', 'start', language)}"
    assert title("families", "missing", language) in alarm.labels(), "what to do when a relative is missing"
    assert CURRICULUM.title("red_flags", language) not in alarm.labels(), "a forced-labour check is out of place"


async def test_no_brings_the_answer_instead(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = await started(telegram, "ru")
    await user.send(UNCLEAR["ru"])
    question = await user.reply()
    await user.press(question, said(DANGER_NO, "ru"))
    answer = await user.reply()
    assert answer.text == said(SEARCH_FOUND, "ru")
    assert answer.labels()[0] == title("families", "missing", "ru")
    assert said(DANGER_FIRST, "ru") not in answer.text


async def test_a_forged_or_stale_answer_to_the_question_is_answered_and_loses_nothing(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = await started(telegram, "en")
    # Data that fits no button: "this menu has changed" and the menu.
    for forged in ("da:x:::", "da:y:Russia::", f"da:y::{'A' * 9}:", "da:y::a.b.c.d:"):
        await user.send(UNCLEAR["en"])
        question = await user.reply()
        assert (await user.press_data(question, forged))["text"] == STALE
        assert (await user.reply()).labels(), "the current menu"
    await user.send(UNCLEAR["en"])
    question = await user.reply()
    # Screens gone since the question was asked (a /reload): left out, the rest still shown.
    gone = "zzzzzzzz"
    await user.press_data(question, f"da:n::{gone}:{gone}.{node_ref(NodeId('families', 'missing'))}")
    answer = await user.reply()
    assert answer.labels()[0] == title("families", "missing", "en")
    # A yes for a country and screens that no longer exist still brings the hotlines.
    await user.send(UNCLEAR["en"])
    question = await user.reply()
    await user.press_data(question, f"da:y:XK:{gone}:{gone}")
    assert (await user.reply()).text.startswith(said(DANGER_FIRST, "en"))


@pytest.mark.parametrize(
    ("typed", "language", "lesson", "node"),
    [
        ("меня задержала полиция на рынке, сижу в отделе", "ru", "abroad", "detained"),
        ("politsiya ushladi akamni", "uz", "abroad", "detained"),
        ("my son went missing in Moscow", "en", "families", "missing"),
        ("писарам бедарак шуд", "tg", "families", "missing"),
    ],
)
async def test_detention_and_a_missing_relative_are_danger_with_their_own_screen_first(
    telegram: FakeTelegram, bot: RunningBot, typed: str, language: str, lesson: str, node: str
) -> None:
    user = await started(telegram, language)
    await user.send(typed)
    alarm = await user.reply()
    assert alarm.text.startswith(said(DANGER_FIRST, language))
    flags = list(itertools.takewhile(lambda label: label[:2] in ("🇷🇺", "🇰🇿", "🇺🇿", "🇹🇯"), alarm.labels()))
    assert alarm.labels()[len(flags)] == title(lesson, node, language), "its own screen, before the check"
    await user.press(alarm, title(lesson, node, language))
    assert (await user.reply()).text == expected_text(lesson, node, language)


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("что такое торговля людьми? пишу доклад", "ru"),  # asking about a topic
        ("nobody took my passport, I just want a copy of it", "en"),  # the harm denied
        ("ҳуҷҷатҳоро дар куҷо қабул мекунанд", "tg"),  # мекунанд (they do) is no typo of мезананд (they beat)
        ("majburiy mehnat nima degani? referat uchun", "uz"),
    ],
)
async def test_a_harmless_message_with_alarming_words_gets_the_answer(
    telegram: FakeTelegram, bot: RunningBot, typed: str, language: str
) -> None:
    user = await started(telegram, language)
    await user.send(typed)
    answer = await user.reply()
    assert answer.text not in (said(DANGER_QUESTION, language),)
    assert not answer.text.startswith(said(DANGER_FIRST, language))
