"""Danger told in everyday wordings of its kind: a door shut from outside, a threat to sack, a passport
given back only for money, a spouse named with the Arabic-Tajik word, a beating for wanting to leave,
a boss's "if you leave, the police will take you", and harm long past told from safety (search over
the real content, through NodeSearch.find as the bot calls it)."""

from dataclasses import replace

import pytest

from bot.understanding.search import Alarm, NodeSearch
from tests.support.real_content import real_curriculum

SEARCH = NodeSearch(real_curriculum(translated=False))


@pytest.mark.parametrize(
    ("typed", "kind", "language"),
    [
        # a door shut fast ("маҳкам") or a key kept outside: locked in
        ("хоҷаин шабона дари вагончикро аз берун маҳкам мекунад", "not_allowed_to_leave", "ru"),
        ("moro dar barak mepartoyand, kalidro az berun mebarad", "not_allowed_to_leave", "ru"),
        # the threat verb with what will be done to the worker
        ("бригадир грозит уволить всех, кто пожалуется", "threats", "ru"),
        ("прораб пригрозил, что сдаст нас", "threats", "ru"),
        # touching a woman against her will is violence
        ("хозяин лапает её на складе", "violence", "ru"),
        ("the manager touches her every shift", "violence", "ru"),
        # documents given back only for money
        ("the broker will give our passports back only after we pay him", "documents_taken", "ru"),
        ("паспорт вернут только после того как заплатим агенту", "documents_taken", "ru"),
        # beaten for wanting to leave, or a phone kept: not let go
        ("бригадир избил брата, когда тот хотел уйти", "not_allowed_to_leave", "ru"),
        ("the family she cleans for keeps her phone", "not_allowed_to_leave", "ru"),
        # spoken Tajik: "-ама" is "-амро" (my ... as the object), "гирифтан" the dropped -д of "they took"
        ("паспортама гирифтан", "documents_taken", "tg"),
        ("pasportama giriftan", "documents_taken", "tg"),
        ("телефонамро гирифтан", "not_allowed_to_leave", "tg"),
        # "-ма" after a consonant is "-амро", "намедихан" is "намедиҳанд" (they don't pay me)
        ("маошма намедихан", "wages_withheld", "tg"),
    ],
)
def test_everyday_wordings_of_a_kind_of_danger_raise_the_alarm(typed: str, kind: str, language: str) -> None:
    """Spoken Tajik forms (in the Tajik interface) are read as the written ones are."""
    answer = SEARCH.find(typed, language)
    assert answer.alarm is Alarm.CLEAR, (typed, answer.alarm, answer.danger)
    assert kind in answer.danger, (typed, answer.danger)


@pytest.mark.parametrize(
    "typed",
    [
        "что грозит за просроченный патент?",  # what a law threatens is no threat by a person
        "паспорт выдадут только после оплаты пошлины",  # a fee before a new passport
        "калиди хонаро гум кардам",  # a lost key is no locked door
    ],
)
def test_the_same_words_in_an_ordinary_question_raise_no_alarm(typed: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is Alarm.NONE, (typed, answer.alarm, answer.danger)


def test_a_spouse_named_with_the_word_zavj_is_violence_at_home() -> None:
    """ "Завҷ" (spouse) names the husband as "шавҳар" does: violence at home, in the reader's country."""
    answer = SEARCH.find("завҷам маст омада маро зад", "tg")
    assert answer.alarm is Alarm.CLEAR
    assert str(answer.kind_screens[0]) == "hotlines/domestic_violence"
    assert answer.country == "TJ"


@pytest.mark.parametrize(
    "typed",
    [
        "прораб говорит: если уйдешь, менты задержат, зарплату не дает",
        "korfarmo meguyad agar ravi politsiya gireftor mekunad, maosh nadod",
        "if you quit, the police will arrest you, he says",
    ],
)
def test_a_bosss_if_you_leave_the_police_will_take_you_is_a_threat_not_a_detention(typed: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is Alarm.CLEAR, answer.danger
    assert "threats" in answer.danger
    assert "police_detention" not in answer.danger
    assert "abroad/detained" not in [str(node) for node in answer.kind_screens]


def test_a_conditional_detention_is_read_when_no_situation_is_written() -> None:
    """An editor's file may have phrases only (and scripts/bench_search.py builds one): with no "if"
    family written, a detention after "если" is read as one, and reading it does not fail."""
    curriculum = real_curriculum(translated=False)
    phrases_only = curriculum.danger_signals.model_copy(
        update={"families": {}, "situations": {}, "doubtful_situations": {}}
    )
    search = NodeSearch(replace(curriculum, danger_signals=phrases_only))
    answer = search.find("прораб говорит: если уйдешь, менты задержат", "ru")
    assert answer.alarm is Alarm.CLEAR
    assert "police_detention" in answer.danger


def test_asking_what_happens_if_the_police_detain_finds_the_rights_screen_without_alarm() -> None:
    answer = SEARCH.find("agar politsiya doshta boshad, huquqam chi", "tg")
    assert answer.alarm is Alarm.NONE, answer.danger
    assert str(answer.nodes[0]) == "abroad/detained"


@pytest.mark.parametrize(
    "typed",
    [
        "I was locked in a dorm three years ago, now home, what jobs are there for welders",
        "раньше меня заставляли работать бесплатно, сейчас дома, ищу работу",
        "avval majburlab ishlatishgan, hozir uydaman, ish kerak",
    ],
)
def test_harm_long_past_told_from_safety_raises_no_alarm(typed: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is Alarm.NONE, (typed, answer.alarm, answer.danger)


@pytest.mark.parametrize(
    "typed",
    [
        "отец пули роҳро намедиҳад, говорит сначала учись",  # Russian "father", Tajik "won't give money"
        "папа пул намедиҳад барои роҳ",
    ],
)
def test_a_father_who_will_not_pay_for_the_trip_in_mixed_languages_is_no_wage_withheld(typed: str) -> None:
    answer = SEARCH.find(typed, "tg")
    assert answer.alarm is Alarm.NONE, (typed, answer.alarm, answer.danger)


@pytest.mark.parametrize("typed", ["паспорт гирифтан мехоҳам", "патент гирифтан", "шиноснома гирифтан чанд пул"])
def test_getting_a_document_in_the_infinitive_raises_no_alarm(typed: str) -> None:
    """ "гирифтан" is also "to get": with no "my" on the document, it is a question about getting one."""
    assert SEARCH.find(typed, "tg").alarm is Alarm.NONE
