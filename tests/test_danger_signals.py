"""Editors keep the danger signals in YAML; `safar check` tells them, with the line, what would make
a signal miss, and the search finds what they add in every spelling people type."""

import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.common.languages import LANGUAGES
from bot.content import load_curriculum
from bot.content.curriculum import NodeId
from bot.understanding.danger_signals import DANGER_SIGNALS_FILE
from bot.understanding.search import NodeSearch
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit
from tests.support.real_content import real_curriculum

CURRICULUM = real_curriculum(translated=False)
SEARCH = NodeSearch(CURRICULUM)


def line_of(path: Path, text: str) -> int:
    """The line an editor would look at, found in the file itself."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_shipped_signals_cover_every_kind_of_danger_in_every_language() -> None:
    signals = CURRICULUM.danger_signals.signals
    assert {"documents_taken", "not_allowed_to_leave", "wages_withheld", "threats", "violence", "debt_bondage"} <= set(
        signals
    )
    for kind, by_language in signals.items():
        assert sorted(by_language) == sorted(LANGUAGES), kind


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("pasport zabrali", "documents_taken"),  # Russian in Latin letters
        ("ПАСПОРТ ЗАБРАЛИ!!!", "documents_taken"),  # shouting
        ("паспорт отобрали у меня", "documents_taken"),  # another verb, another order
        ("пачпорт забрали", "documents_taken"),  # a typo
        ("хуччатхоямро гирифтанд", "documents_taken"),  # Tajik without ҳ and ҷ
        ("maosh bermayapti", "wages_withheld"),  # Uzbek, *-ending
        ("qoʻrqitishyapti", "threats"),  # Uzbek with the apostrophe letter
        ("qorqitishyapti", "threats"),  # and without
    ],
)
def test_signals_match_the_way_people_type(typed: str, kind: str) -> None:
    assert kind in SEARCH.find(typed, "ru").danger


@pytest.mark.parametrize(
    "typed",
    [
        "как получить паспорт",
        "pasport olish kerak",
        "не знаю где платить патент",
        "I paid the patent",
        "пропал паспорт",
    ],
)
def test_ordinary_questions_near_a_signal_raise_no_alarm(typed: str) -> None:
    assert SEARCH.find(typed, "ru").danger == []


def test_a_signal_an_editor_adds_is_found_after_a_reload(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / DANGER_SIGNALS_FILE, "    en: [threaten*,", "    en: [they scare me, threaten*,")
    search = NodeSearch(load_curriculum(content, today=CONTENT_DAY))
    assert search.find("They SCARE me every day", "en").danger == ["threats"]
    assert SEARCH.find("They SCARE me every day", "en").danger == []


def test_check_reports_signals_that_would_miss_with_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    signals = content / DANGER_SIGNALS_FILE
    edit(signals, "    en: [threaten*,", "    en: [the and, threaten*,")
    edit(signals, "    ru: [бьют,", "    ru: [бьют и бьют и бьют и бьют,")
    assert main(["check", str(signals)]) == 1
    out = capsys.readouterr().out
    assert f"danger_signals.yaml:{line_of(signals, '[the and')}: 'the and' has only common words" in out
    assert (
        f"danger_signals.yaml:{line_of(signals, '[бьют и')}: 'бьют и бьют и бьют и бьют' has 7 words; "
        "keep a signal to 6 or fewer"
    ) in out


def test_check_reports_a_misspelt_language_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    signals = content / DANGER_SIGNALS_FILE
    edit(signals, "    tg: [кори маҷбурӣ,", "    kz: [кори маҷбурӣ,")
    assert main(["check", str(content)]) == 1
    line = line_of(signals, "kz: [")
    assert f"danger_signals.yaml:{line}: signals.forced_labour: 'kz' is not a language" in capsys.readouterr().out


def test_a_language_without_signals_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    signals = (content / DANGER_SIGNALS_FILE).read_text(encoding="utf-8")
    uzbek = re.search(r"    uz: \[tahdid,[^\]]*\]\n", signals)
    assert uzbek is not None
    edit(content / DANGER_SIGNALS_FILE, uzbek.group(0), "")
    assert main(["check", str(content)]) == 0
    out = capsys.readouterr().out
    assert "signal 'threats' has no phrases for uz: people typing in it will not be warned" in out


def test_content_without_a_signals_file_loads_and_raises_no_alarm(tmp_path: Path) -> None:
    content = copy_of_real_content(tmp_path)
    (content / DANGER_SIGNALS_FILE).unlink()
    assert NodeSearch(load_curriculum(content, today=CONTENT_DAY)).find("у меня забрали паспорт", "ru").danger == []


def test_check_reports_a_danger_screen_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    signals = content / DANGER_SIGNALS_FILE
    edit(signals, "  police_detention: abroad/detained", "  police_detention: abroad/detention")
    edit(signals, "at_home: [domestic_violence]", "at_home: [domestic_violense]")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out
    assert (
        f"danger_signals.yaml:{line_of(signals, 'police_detention: abroad/detention')}: the screen "
        "'abroad/detention' shown for danger 'police_detention' does not exist"
    ) in out
    assert f"danger_signals.yaml:{line_of(signals, 'at_home:')}: 'domestic_violense' under at_home:" in out


@pytest.mark.parametrize(
    ("typed", "kinds"),
    [
        ("шавҳарам ҳар рӯз занг мезанад, пул намерасад", []),  # calls every day: not "beats"
        ("patent qancha turadi Moskva viloyatida", []),  # costs: not "beats" misspelt
        ("what is forced labour exactly?", []),  # asking about a topic: "what is" is all common words
        ("I lost my phone, how do I get my reminders back", []),  # not "phone is off" shrunk to "phone"
        ("ин муқаррарӣ аст? хоҷаин паспортамро гирифтаасту намедиҳад", ["documents_taken"]),  # "аст" is no cue
        ("my brother's phone is off for a week", ["missing_person"]),  # "is" and "off" are words too
        ("muj byet menya kajdiy den", ["violence", "domestic_violence"]),  # бьет typed as byet
        ("alimenty ne platit bivshiy muj", []),  # child support, not wages
        ("politsiya mara dar ulitsa dosht", ["police_detention"]),  # police words x taking words
        ("нас держат в подвале, телефоны отобрали", ["not_allowed_to_leave"]),  # held, phones taken
        ("they won't let us out of the house", ["not_allowed_to_leave"]),
        ("её там заставляют, она боится уйти", ["not_allowed_to_leave", "forced_labour"]),
        ("xoʻjayin opamni urar ekan", ["violence"]),  # Uzbek "beats, they say"
        ("бригадир гуфт агар ба касе гӯӣ депорт мешавӣ", ["threats"]),  # if you tell anyone, deported
        ("pasporti xoʻjayinda, qaytarmayapti", ["documents_taken"]),  # the passport is with the boss
        ("policiya zabrala brata", ["police_detention"]),  # Latin c for ц
        ("помогите срочно", ["in_danger"]),  # asks: help with what?
        ("bank khudash mekashad, patent avtomat pardokht nameshavad", []),  # "pulls" is two letters from "I will kill"
        ("пишу курсовую о торговле людьми", []),  # coursework: asking about the topic
        ("одам савдоси ҳақида дарс тайёрлаяпман", []),  # preparing a lesson on trafficking
        ("patent ne oplachivaetsya avtomaticheski", []),  # a patent not paid is no wage withheld
        ("раньше зарплату задерживали, сейчас всё заплатили", []),  # paid in the end
        ("polisa maro dosht, bad ozod kardand", []),  # released
        ("агар патентро дер пардозам, запрет мезананд?", []),  # a ban "put" is no beating
        ("писарам дарс намехонад, ҳамаш гиря мекунад", []),  # does not study: no typo of "does not let go"
        ("украли кошелёк, паспорт дома был слава богу", []),  # glory ("слава") is not "slave"
        ("патент тўловини кечиктирдим, қўрқиб турибман", []),  # afraid: not "qoʻrqit*", frighten
        ("паспорти нав гирифтам, акнун патентро аз нав мекунам?", []),  # I got a new one: not "he took"
        ("ҳуҷҷатҳоямро аз консулгарӣ гирифтам", []),  # I collected them
        ("в новостях говорят про рабство на стройках, это правда?", []),  # the news: asking about it
        ("bankdan qarzim bor, chegaradan chiqarishmaydimi", ["not_allowed_to_leave"]),  # a question: asks
        ("хоҷаин шиносномаҳоро барнагардонд", ["documents_taken"]),  # did not return: no "returned"
        ("ukamni militsiya ushlab ketdi metroda", ["police_detention"]),  # militsiya + ushla*
        ("бригадир гуфт агар ба касе гӯӣ, ҷонатро мегирем", ["threats"]),
        ("brigadir slomal mne ruku, skazal sdam v migraciyu", ["threats", "violence"]),
        ("ўғлим Россияда, бир ойдан бери алоқа йўқ", ["missing_person"]),  # Uzbek Cyrillic ё and ў
        ("agar ravi politsiyaro jeg mezanam guft", ["threats"]),  # "чег задан" is to call, not to beat
        ("хозяин мегуя агар рави пулта намедихам", ["threats", "wages_withheld"]),  # the boss, quoted
        ("бародарам дар Хабаровск 10 рӯз аст телефонаш хомӯш", ["missing_person"]),  # a town, not "the news"
        ("паспортам худаш дар дастам, фақат телефонам гум шуд", []),  # the passport is in my hands
        ("говорят пока не отработаешь долг никуда не уедешь", ["not_allowed_to_leave", "debt_bondage"]),
        ("агар маош дер шавад, ин кори маҷбурӣ мешавад ё не?", []),  # asks what it is
        ("brigadir ketamiz desak uramiz deydi", ["threats"]),  # if we say we leave, we beat you
        ("otec b'et mamu kazhdyy vecher", ["violence"]),  # Latin apostrophe for ь
        ("хозяин ночью заходит в комнату к сестре", ["violence"]),
        ("пар сол полиса доштанд, баъд сар доданд", []),  # last year, released
        ("пасорти мана бригадир гирифт", ["documents_taken"]),  # паспорт typed without its п
    ],
)
def test_signals_are_read_in_context(typed: str, kinds: list[str]) -> None:
    answer = SEARCH.danger_in(typed)
    assert (answer.danger if answer.alarm.value != "none" else []) == kinds, answer


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("брат пропал без вести, работал в Екатеринбурге", "RU"),  # a city, not a country
        ("erim meni uradi bolalarim bilan Samarqanddamiz", "UZ"),  # "we are in", folded into the place
        ("he says I owe 60 000 roubles and keeps my passport", "RU"),  # the money they are paid in
    ],
)
def test_the_country_of_the_person_in_danger(typed: str, country: str) -> None:
    assert SEARCH.danger_in(typed).country == country


def test_a_word_a_letter_from_a_place_name_is_no_place() -> None:
    """Place names are matched with careful typos: "ustanovit" (install) is not "Astana" misspelt."""
    assert SEARCH.danger_in("kak ustanovit prilozhenie").country is None
    assert SEARCH.danger_in("pasport zabrali, ya v Astane").country == "KZ"


def test_harm_at_home_with_no_place_named_is_in_the_readers_own_country() -> None:
    typed = "шавҳарам маро мезанад, ба куҷо равам"
    assert SEARCH.danger_in(typed).country is None
    assert SEARCH.danger_in(typed, home="TJ").country == "TJ"
    assert SEARCH.danger_in("хоҷаин паспортамро гирифтанд", home="TJ").country is None  # abroad: not home


def test_violence_with_the_husband_named_anywhere_is_harm_at_home() -> None:
    """However far apart "husband" and "beats" are typed, and though he came from Russia."""
    answer = SEARCH.danger_in("шавҳарам аз Маскав баргашта, акнун ҳар шаб маро сахт мезанад", home="TJ")
    assert answer.danger[0] == "domestic_violence" and answer.country == "TJ", answer
    assert SEARCH.danger_in("мужа избили на стройке в Самаре", home="TJ").country == "RU"  # the husband harmed


def test_a_signal_asked_as_a_question_asks_rather_than_alarms() -> None:
    assert SEARCH.danger_in("chegaradan chiqarishmaydimi").alarm.value == "unsure"
    assert SEARCH.danger_in("chegaradan chiqarishmaydi").alarm.value == "clear"


def test_asking_about_a_kind_of_danger_offers_its_screen_first_without_the_alarm() -> None:
    """What is asked about is the kind's screen, before what the other words find ("data" for an
    essay is not the screen that erases yours)."""
    answer = SEARCH.find("im a student writing about debt bondage, where can i read more", "en")
    assert answer.alarm.value == "none"
    assert str(answer.nodes[0]) == "hotlines/trafficking", answer.nodes
    answer = SEARCH.find("дар бораи савдои одамон реферат менависам, маълумот лозим", "tg")
    assert answer.alarm.value == "none"
    assert str(answer.nodes[0]) == "hotlines/trafficking", answer.nodes


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        # Documents kept: with whom, where, collected on a pretext, not returned.
        ("документы у директора лежат, просим, не отдает", "documents_taken"),
        ("паспорта наши в сейфе у хозяина", "documents_taken"),
        ("шиносномаамон дар корфармо, пас надоданд", "documents_taken"),
        ("hujjatlarimizni yigʻib olishdi, bir oydan beri qaytarmadi", "documents_taken"),
        ("the manager collected our passports on the first day", "documents_taken"),
        # Leaving or quitting forbidden.
        ("уволиться не дают, говорят доработай сезон", "not_allowed_to_leave"),
        ("аз хобгоҳ баромадан мумкин нест, шаб", "not_allowed_to_leave"),
        ("fermadan ketish mumkin emas deyishdi", "not_allowed_to_leave"),
        ("they say I can't quit before the contract ends", "not_allowed_to_leave"),
        # All pay kept, work for nothing.
        ("прораб всю зарплату забирает себе", "wages_withheld"),
        ("маоши моро бригадир нигоҳ медорад", "wages_withheld"),
        ("3 oydan beri bepul ishlayapmiz", "wages_withheld"),
        ("the agent takes all our wages", "wages_withheld"),
        # A debt that keeps growing, or keeps a person until it is paid.
        ("долг за жильё растёт каждый месяц", "debt_bondage"),
        ("қарзи роҳ тамом намешавад", "debt_bondage"),
        ("qarzimiz har oy koʻpayib boryapti", "debt_bondage"),
        ("we owe the broker for the flights and the debt keeps growing", "debt_bondage"),
        # An injured worker kept from a doctor.
        ("мастер не дает вызвать скорую, у брата нога сломана", "medical_help_refused"),
        ("хоҷаин ба беморхона намемонад", "medical_help_refused"),
        ("brigadir kasalxonaga qoʻymayapti", "medical_help_refused"),
        ("the foreman won't let him go to hospital", "medical_help_refused"),
        # Violence to her, him or me, by anyone, told by someone else.
        ("отчим ее бьет, мама боится", "violence"),
        ("mana har ruz mezanad amakam", "violence"),  # "мана" (me), not a ban ("манъ") stamped
        ("akasi uni urib ketdi", "violence"),
        ("her uncle hits her when he drinks", "violence"),
    ],
)
def test_danger_said_in_indirect_words_is_read(typed: str, kind: str) -> None:
    """Each kind of situation in every language, said without the words the first phrases foresaw."""
    answer = SEARCH.danger_in(typed)
    assert answer.alarm.value == "clear" and kind in answer.danger, answer


@pytest.mark.parametrize(
    "typed",
    [
        "отец ребёнка не платит алименты, где найти юриста бесплатно",  # free help: no work for nothing
        "падарам пули роҳро намедиҳад, ман ба Қазоқистон рафтан мехоҳам",  # "ман" is no ban ("манъ")
        "як вақт маош дер доданд, ҳозир ҳама хуб, шартнома чӣ тавр санҷам",  # once, now all is fine
        "pasport olish uchun qanday hujjatlar kerak",  # getting a passport is no passport taken
        "where can I find a hospital without papers",
    ],
)
def test_ordinary_words_near_the_new_phrases_raise_no_alarm(typed: str) -> None:
    assert SEARCH.danger_in(typed).alarm.value == "none", SEARCH.danger_in(typed)


def test_a_debt_that_keeps_a_person_shows_the_trafficking_screen_before_unpaid_wages() -> None:
    """Work for nothing until a debt is paid is the graver matter: its screen comes first."""
    answer = SEARCH.danger_in("I work for free until I repay the recruiter, he keeps my salary")
    assert answer.kind_screens[0] == NodeId("hotlines", "trafficking"), answer.kind_screens
