"""Danger said in words no signal phrase foresaw is read as a situation: concept families written once
for every language (documents, withhold, a relative, no contact, days ...) standing together in one
sentence. Editors name the families and the situations in danger_signals.yaml; `safar check` tells
them, with the line, when a situation names a family that is not written."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_curriculum
from bot.understanding.danger_signals import DANGER_SIGNALS_FILE
from bot.understanding.search import Alarm, NodeSearch
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit
from tests.support.real_content import real_curriculum

CURRICULUM = real_curriculum(translated=False)
SEARCH = NodeSearch(CURRICULUM)


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        # documents with withhold, in any order and with words between
        ("бригадир все наши паспорта спрятал в кабинете", "documents_taken"),
        ("шиносномаҳоямонро корфармо ҷамъ кард ва пинҳон кард", "documents_taken"),
        ("hujjatlarimizni xoʻjayin yigʻib oldi", "documents_taken"),
        ("the agency collected our passports at the airport", "documents_taken"),
        # a relative, no contact and a number of days
        ("племянник уже пятый день не выходит на связь", "missing_person"),
        ("додарам се рӯз боз занг назадааст", "missing_person"),
        ("jiyanim bir haftadan beri javob bermayapti", "missing_person"),
        ("my nephew has not been answering for ten days", "missing_person"),
        # the police with taking and a person
        ("менты увезли мужа прямо с рынка", "police_detention"),
        ("militsiya akamni olib ketdi bozordan", "police_detention"),
        # pay, not given and months
        ("аванс не видели уже третий месяц", "wages_withheld"),
        ("ду моҳ шуд маошамонро надоданд", "wages_withheld"),
        # a door, a lock and the night or people
        ("на ночь ворота барака запирают снаружи", "not_allowed_to_leave"),
        ("kechasi yotoqxona eshigini qulflab qoʻyishadi", "not_allowed_to_leave"),
        # a debt that grows
        ("qarzim har oy koʻpayib boryapti", "debt_bondage"),
        # leaving or complaining, with what will follow, as someone said it
        ("прораб говорит кто пожалуется того сдам в миграционку", "threats"),
        ("начальник сказал: кто уйдёт до зимы, тому ноги сломаю", "threats"),
        ("my employer says if I complain he will tell migration I am illegal", "threats"),
        # a relative who does not pick up the phone, for days
        ("писарам панҷ рӯз боз телефонашро намегирад", "missing_person"),
        ("ukam uch kundan beri telefonini olmayapti", "missing_person"),
        ("my brother is not picking up his phone for a week now", "missing_person"),
        # a hospital refused by the one in charge
        ("прораб не отвез его в больницу, нога опухла", "medical_help_refused"),
        # promised one job, another one given
        ("обещали работу на кухне, а заставляют делать совсем другое", "forced_labour"),
        # what will follow: documents burnt, the visa cancelled, a report for talking about pay
        ("бригадир сказал если уйду сожжет мой паспорт", "threats"),
        ("boss says if I talk to anyone he will report me to migration", "threats"),
        # pay kept as a debt by an agent; 'you owe' from the boss; not sent home
        ("agent har oy maoshimni qarz deb olib qoladi", "wages_withheld"),
        ("xoʻjayin qarzing bor deydi, uyga joʻnatmaydi", "debt_bondage"),
        # an ambulance the boss does not want to call
        ("прораб не хочет вызывать скорую, у брата нога опухла", "medical_help_refused"),
        # a remand prison
        ("племянник второй месяц сидит в сизо", "police_detention"),
        # a phone call typed after a beating does not make the beating a phone call
        ("хушдоманам маро мезананд, ба модарам занг заданам намемонанд", "violence"),
    ],
)
def test_a_situation_is_read_in_words_no_phrase_foresaw(typed: str, kind: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is Alarm.CLEAR, (typed, answer.danger)
    assert kind in answer.danger


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("сестра не отвечает, что делать", "missing_person"),  # a relative not answering, no time said
        ("кто уйдет до конца сезона, того штрафуют", "threats"),  # nobody quoted: asked
        ("брат не может уйти оттуда", "not_allowed_to_leave"),  # cannot leave: asked, it may be a ticket
    ],
)
def test_a_doubtful_situation_asks_instead_of_alarming(typed: str, kind: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is Alarm.UNSURE, (typed, answer.alarm, answer.danger)
    assert kind in answer.danger


@pytest.mark.parametrize(
    "typed",
    [
        "документы в общежитии не забирали, всё у меня",  # a signal right after a negation
        "если менты увезут моего брата, куда звонить?",  # '!if': asking what may happen
        "bo odam gap zadan mexoham",  # talking to a person is not a beating
        "кредит дорам, пеш аз рафтан ба Русия чӣ кор кунам",  # a loan before leaving is no debt bondage
        "модарам намемонад ки ба Русия равам, чӣ кор кунам",  # a mother who will not let you go
        "pasportimni olmagan hech kim, nusxasini qayerda saqlayman",
        "I lost my wallet with the card, the passport is fine",  # 'with' is no 'withhold'
        "модарам мегӯяд агар равӣ туро мекушам, ҳазл албатта",  # a joke
    ],
)
def test_ordinary_messages_near_a_situation_raise_no_alarm(typed: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is not Alarm.CLEAR, (typed, answer.danger)


def test_a_word_an_editor_adds_to_a_family_is_read_in_every_situation_built_on_it(tmp_path: Path) -> None:
    typed = "the boss stashed our passports somewhere"
    assert SEARCH.find(typed, "en").alarm is Alarm.NONE
    content = copy_of_real_content(tmp_path)
    edit(content / DANGER_SIGNALS_FILE, "    en: [took, taken, take away,", "    en: [stashed, took, taken, take away,")
    answer = NodeSearch(load_curriculum(content, today=CONTENT_DAY)).find(typed, "en")
    assert answer.alarm is Alarm.CLEAR and answer.danger == ["documents_taken"]


def test_check_reports_a_situation_naming_a_family_that_is_not_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    signals = content / DANGER_SIGNALS_FILE
    edit(signals, "    - [documents, withhold]", "    - [documents, withold]")
    edit(signals, "    - [debt, grows]", "    - [debt, grows, debt]")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out
    assert (
        f"danger_signals.yaml:{line_of(signals, '[documents, withold]')}: situations.documents_taken: the family "
        "'withold' is not written under families:"
    ) in out
    assert f"danger_signals.yaml:{line_of(signals, '[debt, grows, debt]')}: situations.debt_bondage: a family" in out


def test_a_family_without_a_language_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / DANGER_SIGNALS_FILE, "    uz: [qarz*, dolg, dolgni, dolgingni, dolging]\n", "")
    assert main(["check", str(content)]) == 0
    assert "family 'debt' has no words for uz: situations built on it are not read in that language" in (
        capsys.readouterr().out
    )


def test_a_colleague_who_did_not_come_back_asks() -> None:
    answer = SEARCH.find("hamkasbim kecha ishdan chiqib ketdi, qaytmadi", "uz")
    assert answer.alarm is not Alarm.NONE, answer.danger
    assert "missing_person" in answer.danger


@pytest.mark.parametrize(
    "typed",
    [
        "hech kim majburlamayapti, shartnomani buzsam jarima bormi",  # force denied
        "akamga oylik bermagan edi, keyin olib berishdi, endi ish qidiryapti",  # paid in the end
        "my son beat up a kid at school, what should I do",  # the child did the beating
        "мажбурий меҳнат белгилари қандай?",  # asking about the signs
        "паспортам гум шуд чӣ кунам",  # a lost thing is not a missing person
        "telefonim yoʻqoldi, eslatmalar yangi raqamga keladimi",
    ],
)
def test_danger_words_denied_settled_or_asked_about_raise_no_alarm(typed: str) -> None:
    answer = SEARCH.find(typed, "ru")
    assert answer.alarm is Alarm.NONE, (typed, answer.danger)
