"""What the blind set M taught (2026-12-08), told to the bot as a user types it:
bleeding and a threat to burn the house are danger; the writer's own fear ("метарсам", I am afraid),
a film, a lesson or coursework about forced labour, and harm "long resolved" are not; "will they
deport me?" asks about a law, so it gets the question at most, never the alarm; "where do I start?"
asks for the first steps before leaving."""

import pytest

from bot.content.curriculum import NodeId
from bot.i18n.messages import DANGER_FIRST, DANGER_QUESTION, SEARCH_FOUND
from bot.understanding.search import screen_title
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, said, started
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

CURRICULUM = real_curriculum()


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        # bleeding after a fall: the emergency numbers first
        ("tg", "бародарам аз стройка афтод, хун мерезад, чӣ кунам"),
        ("ru", "друг упал с лесов, кровь течёт, что делать"),
        ("uz", "ukam qurilishda yiqildi, qon ketyapti"),
        ("en", "my friend fell at the site and is bleeding badly"),
        # a threat to burn the house unless a debt is paid
        ("uz", "воситачи қарзни тўламасанг уйингни ёқаман деяпти"),
        ("ru", "агент сказал: не вернёшь долг, сожгу дом"),
        ("tg", "агент мегӯяд хонаатро месӯзонам"),
        ("en", "the recruiter said he will burn down the house if we do not pay"),
        # "whoever goes to the police will vanish", the foreman said
        ("ru", "бригадир сказал кто пойдёт в полицию тот пропадёт"),
        # a man comes into her room at night, and keeps her passport
        ("tg", "хозяин шаб ба хонааш медарояд, паспорташ назди ҳамон"),
    ],
)
async def test_bleeding_and_threats_to_burn_or_vanish_get_the_hotlines_first(
    telegram: FakeTelegram, bot: RunningBot, language: str, typed: str
) -> None:
    user = await started(telegram, language)
    await user.send(typed)
    assert (await user.reply()).text.startswith(said(DANGER_FIRST, language)), typed


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        # the writer's own fear of a deadline: "метарсам" is "I am afraid", not "I will frighten"
        ("tg", "мӯҳлати регистрация фардо тамом мешавад, метарсам"),
        ("tg", "регистратсия дар полиция чанд рӯз мегирад? метарсам дер шавад"),
        # a film, a lesson, coursework or a video about forced labour
        ("en", "We watched a documentary about forced labour. What should my son check before an offer?"),
        ("en", "I'm a teacher preparing a lesson on human trafficking. Do you have material?"),
        ("tg", "dar donishgoh kori kursi dar mavzui mehnati majburi menavisam, manba dored?"),
        ("uz", "Туркияда ишлаш ҳақида видео кўрдим, у ерда қамаб қўйишаркан. Қайси давлат яхши?"),
        ("ru", "смотрел документальный фильм про рабство на стройках, как проверить вакансию"),
        # harm long past and resolved
        ("en", "Years ago my employer held my passport, it's long resolved. How to keep documents safe?"),
    ],
)
async def test_fear_a_film_a_lesson_or_harm_long_resolved_gets_the_answer_without_the_alarm(
    telegram: FakeTelegram, bot: RunningBot, language: str, typed: str
) -> None:
    user = await started(telegram, language)
    await user.send(typed)
    answer = await user.reply()
    assert answer.text == said(SEARCH_FOUND, language), (typed, answer.text[:80])


async def test_afraid_of_a_registration_deadline_finds_the_registration_screen(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = await started(telegram, "tg")
    await user.send("мӯҳлати регистрация фардо тамом мешавад, метарсам")
    found = await user.reply()
    assert found.text == said(SEARCH_FOUND, "tg")
    deadlines = screen_title(CURRICULUM, NodeId("abroad", "russia"), "tg")
    assert deadlines in found.labels()[:3]
    await user.press(found, deadlines)
    assert (await user.reply()).text == expected_text("abroad", "russia", "tg")


async def test_will_they_deport_me_after_a_paid_fine_is_asked_not_alarmed(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    """ "Депортируют?" asks about the law; "депортирую" (I will deport you) is someone's threat."""
    user = await started(telegram, "ru")
    await user.send("меня оштрафовали за просрочку патента, штраф оплатил. теперь депортируют или нет?")
    assert (await user.reply()).text in (said(DANGER_QUESTION, "ru"), said(SEARCH_FOUND, "ru"))
    await user.send("хозяин говорит: уйдёшь — депортирую тебя")
    assert (await user.reply()).text.startswith(said(DANGER_FIRST, "ru"))


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("ru", "Хочу поехать на работу в Россию, с чего начать?"),
        ("uz", "Rossiyaga ishga bormoqchiman, nimadan boshlash kerak?"),
        ("en", "I want to work in Russia, where do I start?"),
    ],
)
async def test_where_to_start_before_leaving_offers_the_first_steps(
    telegram: FakeTelegram, bot: RunningBot, language: str, typed: str
) -> None:
    """ "С чего начать?" (where do I start) asks for the first steps before leaving, not a contract check."""
    user = await started(telegram, language)
    await user.send(typed)
    found = await user.reply()
    first_steps = screen_title(CURRICULUM, NodeId("before_you_go", "start"), language)
    assert first_steps in found.labels()[:3], found.labels()
    await user.press(found, first_steps)
    assert (await user.reply()).text == expected_text("before_you_go", "start", language)
