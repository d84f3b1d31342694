"""Danger denied in so many words gets the answer, danger told in words the signals lacked gets the
hotlines first, and the hotlines are those of the country the person in danger is in: what blind
set L showed (driven through the bot as Telegram would, and through NodeSearch.find as the bot
calls it, over the real content)."""

import pytest

from bot.content.curriculum import NodeId
from bot.i18n.messages import DANGER_FIRST, SEARCH_FOUND
from bot.understanding.search import Alarm, NodeSearch, screen_title
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, said, started
from tests.support.real_content import real_curriculum
from tests.support.running import RunningBot

CURRICULUM = real_curriculum()
SEARCH = NodeSearch(real_curriculum(translated=False))

NOT_IN_DANGER = {
    "tg": "ман дар хатар нестам, маълумотҳоямро нест кардан мехоҳам",
    "ru": "я не в опасности, просто хочу удалить свои данные",
    "uz": "men xavfda emasman, maʼlumotlarimni oʻchirmoqchiman",
    "en": "I am not in danger, I just want to delete my data",
}
ARRESTED = {
    "tg": "акамро полис дастгир кард, ба куҷо занг занам",  # dastgir: arrested (dastgirī: support)
    "ru": "akamro politsiya dastgir kard, ba kujo zang zanam",  # the same typed in Latin letters
    "uz": "akamni politsiya hibsga olishdi, qayerga murojaat qilay",
    "en": "my brother is held at the airport for two days, they say he is banned",
}


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_saying_one_is_not_in_danger_gets_what_one_asks_for_without_the_alarm(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = await started(telegram, language)
    await user.send(NOT_IN_DANGER[language])
    found = await user.reply()
    assert found.text == said(SEARCH_FOUND, language), "no hotlines first"
    forget = screen_title(CURRICULUM, NodeId("tools", "forget"), language)
    assert found.labels()[0] == forget, found.labels()
    await user.press(found, forget)
    assert (await user.reply()).text == expected_text("tools", "forget", language)


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_an_arrest_or_a_hold_at_the_airport_gets_the_hotlines_and_the_rights_screen_first(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = await started(telegram, language)
    await user.send(ARRESTED[language])
    alarm = await user.reply()
    assert alarm.text.startswith(said(DANGER_FIRST, language))
    detained = screen_title(CURRICULUM, NodeId("abroad", "detained"), language)
    assert detained in alarm.labels(), alarm.labels()


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("ман дар хатар нестам, мехоҳам бо одами зинда гап занам", "tg"),  # I am not in danger
        ("men xavfda emasman, shunchaki tirik odam bilan gaplashmoqchiman", "uz"),
        ("hech kim qoʻrqitmayapti, maʼlumotlarimni oʻchirmoqchiman", "uz"),  # nobody threatens me
        ("никто не угрожает, хочу удалить свои данные", "ru"),
        ("nobody threatens me, I want to delete my data", "en"),
        ("ҳеҷ кас таҳдид намекунад, маълумотамро нест кардан мехоҳам", "tg"),
        ("qarz ziyod, лекин хавф нест, хочу спланировать бюджет", "ru"),  # no danger, in mixed typing
        ("в колледже проект про торговлю людьми, где почитать статистику", "ru"),  # a project, not a report
    ],
)
def test_danger_denied_or_asked_about_for_a_project_raises_no_alarm(typed: str, language: str) -> None:
    answer = SEARCH.find(typed, language)
    assert answer.alarm is Alarm.NONE, (typed, answer.danger)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("сын написал: мама, они меня убьют", "threats"),
        ("писарам навишт, ки маро мекушанд", "threats"),
        ("oʻgʻlim yozdi: meni oʻldirishadi", "threats"),
        ("my son wrote that they will kill him", "threats"),
        ("хоҷаин мегӯяд 30 ҳазор қарз дорӣ, берун намеравем", "debt_bondage"),  # "you have a debt", from a boss
        ("ҳуҷҷатҳо у хозяина, маош нест", "documents_taken"),  # Tajik words in a Russian phrase
        ("muzh v policii uzhe 3 dnya, advokata net", "police_detention"),  # held for days: asks
        ("хозяин говорит сдаст меня в полицию, если не заплачу", "threats"),  # the abuser's condition
        ("ukam kasalxonaga olib borishmayapti", "medical_help_refused"),  # "they do not take", plural
    ],
)
def test_danger_in_wordings_the_signals_lacked_is_read(typed: str, kind: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is not Alarm.NONE and kind in answer.danger, (typed, answer.alarm, answer.danger)


def test_a_passport_asked_for_or_burnt_is_not_a_passport_taken() -> None:
    for typed in ("рекрутер просит паспорт оставить у него, так можно?", "у соседа сгорел паспорт, как восстановить"):
        assert SEARCH.find(typed, "ru").alarm is Alarm.NONE, typed


def test_cannot_come_to_a_funeral_is_not_cannot_leave() -> None:
    """Uzbek "kelolmayapti" (cannot come) is one letter from "ketolmayapti" (cannot leave)."""
    assert SEARCH.find("erim janozaga kelolmayapti, taqiq bor deyishdi", "uz").alarm is Alarm.NONE
    held = SEARCH.find("akam ketolmayapti, xoʻjayin qoʻymayapti", "uz")
    assert held.alarm is Alarm.CLEAR and "not_allowed_to_leave" in held.danger


@pytest.mark.parametrize(
    ("typed", "language", "where"),
    [
        ("my sister in Almaty, her husband beats her. I am in Russia", "en", "KZ"),
        ("моя сестра в Алматы, муж её бьёт. Я в России", "ru", "KZ"),
        ("хоҳарам дар Душанбе, шавҳараш ӯро мезанад. ман дар Русия ҳастам", "tg", "TJ"),
    ],
)
def test_my_relative_in_one_country_is_not_the_writer_in_another(typed: str, language: str, where: str) -> None:
    """'My' folds to 'mi', the Russian 'мы' (we): the relative after it is the one placed."""
    answer = SEARCH.find(typed, language)
    assert answer.is_danger and answer.country == where, (answer.country, answer.danger)


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("полис дар кӯча ҳуҷҷатҳоямро санҷид, ҳуқуқҳои ман чист?", "tg"),
        ("politsiya koʻchada hujjatlarimni tekshirdi, huquqlarim qanday?", "uz"),
        ("полиция на улице проверила документы, какие у меня права?", "ru"),
        ("the police checked my documents in the street, what are my rights?", "en"),
    ],
)
def test_a_police_check_finds_the_rights_screen_first(typed: str, language: str) -> None:
    """The detention screen's own keyword counts by the screens it is a topic of, not the 37 that
    mention the police."""
    answer = SEARCH.find(typed, language)
    assert answer.alarm is Alarm.NONE and answer.nodes and str(answer.nodes[0]) == "abroad/detained", answer.nodes
