"""What a typed question is about decides the screen, not the words around it: the place someone
is in, the verbs of asking, a short Tajik root under its endings (search over the real content)."""

import pytest

from bot.understanding.search import Alarm, NodeSearch
from tests.support.real_content import real_curriculum

SEARCH = NodeSearch(real_curriculum(translated=False))  # the packaged content, as `safar check` reads it


def first(typed: str, language: str = "ru") -> str:
    nodes = SEARCH.find(typed, language).nodes
    return str(nodes[0]) if nodes else ""


@pytest.mark.parametrize(
    ("typed", "screen"),
    [
        ("how do i register in kazakhstan", "abroad/kazakhstan"),  # the place is what is asked
        ("регистрация в Казахстане", "abroad/kazakhstan"),
        ("Amina nima? Moskvadaman", "abroad/amina"),
    ],
)
def test_a_place_adds_to_what_the_rest_of_the_message_finds(typed: str, screen: str) -> None:
    assert first(typed) == screen


@pytest.mark.parametrize(
    "typed", ["дар Маскав кор ҳаст?", "работа в Москве для женщин", "в Москве где учиться на водителя"]
)
def test_a_place_alone_does_not_pull_a_question_to_the_screen_about_that_place(typed: str) -> None:
    """The Moscow region's own screen (the Amina app) says nothing about work or driving schools."""
    assert "abroad/amina" not in [str(node) for node in SEARCH.find(typed, "ru").nodes]


def test_the_verbs_of_asking_are_no_topic() -> None:
    """'мекунанд' (they do) and 'чист' (what is) are words of the content too, on screens they
    would otherwise pull every question to."""
    assert first("дактилоскопия дар куҷо мекунанд", "tg") == "abroad/russia"
    assert first("Амина чист? бояд гузорам?", "tg") == "abroad/amina"


def test_all_being_well_is_no_topic() -> None:
    typed = "полиция регистрацияни сўради ҳаммаси жойида эди қандай ҳужжатлар олиб юриш керак"
    assert first(typed, "uz") != "recruitment/done"


def test_the_register_of_controlled_persons_finds_its_own_screen() -> None:
    assert first("что такое реестр контролируемых лиц?") == "abroad/register"


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("напомните оплатить патент 25-го", "ru"),
        ("napomni oplatit patent 25 chisla", "ru"),
        ("eslatma: patent toʻlash 7-sana", "uz"),
        ("yodovar kun patent pardoxt har moh", "tg"),
    ],
)
def test_a_feature_named_by_its_own_word_comes_before_the_topic_it_is_for(typed: str, language: str) -> None:
    """Asking Safar to remind about the patent asks for the reminders, though "patent" and "pay"
    are the rarer words."""
    assert first(typed, language) in {"tools/reminders", "abroad/reminders"}


def test_the_topic_alone_still_finds_its_own_screen_before_the_feature() -> None:
    assert first("сколько стоит патент и как его оплатить") == "abroad/patent"


def test_a_topic_asked_with_a_menus_words_finds_the_topic() -> None:
    """'Before leaving' sets the scene; the bank loan is what is asked. The menu alone still finds
    the menu."""
    assert first("кредит дорам, пеш аз рафтан чӣ кор кунам", "tg") == "before_you_go/money"
    assert first("пеш аз сафар чӣ кор кунам", "tg") == "before_you_go/start"


def test_a_number_is_no_topic() -> None:
    """The day of the month is not the screen that happens to mention the same number."""
    assert first("ба ман ёдрас кунед ки 10-уми ҳар моҳ патентро пардохт кунам", "tg") == "tools/reminders"


@pytest.mark.parametrize(("typed", "screen"), [("пули роҳ", "before_you_go/money"), ("пули патент", "abroad/patent")])
def test_a_short_word_under_the_tajik_izofa_is_found_by_its_root(typed: str, screen: str) -> None:
    """ "пули" (money of) is "пул" with the izofa -и, too short an ending to take off every word."""
    assert first(typed, "tg") == screen


@pytest.mark.parametrize(
    ("typed", "screen"),
    [
        ("писарам синфи 2, падараш дар Русия, дарс намехонад", "families/school"),  # a grade
        ("падари бачаҳо алимент намедиҳад, ба суд чӣ тавр диҳам", "families/legal"),  # not school
        ("ҳеҷ кас паспортамро нагирифтааст, фақат нусхаашро нигоҳ дорам", "before_you_go/documents"),
    ],
)
def test_everyday_words_find_the_families_and_documents_screens(typed: str, screen: str) -> None:
    assert first(typed, "tg") == screen


@pytest.mark.parametrize("typed", ["shartnomani imzolaymi?", "bu shartnomani imzolaymi yoki yoʻq"])
def test_an_uzbek_verb_made_of_a_noun_and_asked_is_found_by_the_noun(typed: str) -> None:
    """ "imzolaymi" (shall I sign?) is "imzo" (signature) with the -la of a verb and the question -mi."""
    assert first(typed, "uz") == "contract/signing"


@pytest.mark.parametrize(
    "typed", ["Germaniyaga ishga davlat orqali borish imkoni bormi", "Koreyaga ishlash uchun davlat dasturi bormi"]
)
def test_the_uzbek_is_there_is_a_word_of_asking_not_of_the_agency_check(typed: str) -> None:
    """ "bormi" (is there?) stands in the agency check's keyword "litsenziyasi bormi"; asked about
    anything else, it must not pull the question to the agency check."""
    assert first(typed, "uz") in {"before_you_go/state_help", "before_you_go/destination"}


def test_an_agency_licence_asked_with_bormi_still_finds_the_agency_check() -> None:
    assert first("bu agentlikning litsenziyasi bormi", "uz") == "tools/agency_check"


def test_asking_whether_an_offer_is_trafficking_finds_the_offer_not_the_self_check() -> None:
    """The red-flag self-check is for someone already in a job; a message that reads as no danger
    and asks about an offer is answered with the offer's screen."""
    assert first("как понять, что вакансия в Корее не торговля людьми") == "recruitment/offer"


def test_forced_labour_long_past_told_from_home_finds_the_way_back_to_work() -> None:
    typed = "two years ago I was in forced labour, now I am home and want to retrain as a driver"
    assert first(typed, "en") != "red_flags/intro"
    assert "coming_home/skills" in [str(node) for node in SEARCH.find(typed, "en").nodes]


@pytest.mark.parametrize("typed", ["тревожные признаки принудительного труда", "red flags check"])
def test_the_self_check_asked_for_by_name_is_still_found_first(typed: str) -> None:
    assert first(typed) == "red_flags/intro"


@pytest.mark.parametrize(
    ("typed", "language"),
    [("помогите", "ru"), ("помогите пожалуйста", "ru"), ("pomogite", "ru"), ("help", "en"), ("yordam bering", "uz")],
)
def test_a_bare_plea_for_help_asks_about_danger_and_offers_the_hotlines_menu(typed: str, language: str) -> None:
    """ "помогите" is no misspelt "помните" (remember): it is a plea, and may be all someone can type."""
    answer = SEARCH.find(typed, language)
    assert answer.alarm is Alarm.UNSURE, (typed, answer.alarm)
    assert [str(node) for node in answer.nodes][:1] == ["hotlines/start"], (typed, answer.nodes)


def test_a_plea_with_a_topic_is_answered_without_the_question() -> None:
    answer = SEARCH.find("помогите найти работу в Москве", "ru")
    assert answer.alarm is Alarm.NONE
    assert "recruitment/done" not in [str(node) for node in answer.nodes]


def test_a_form_of_a_word_of_the_lessons_is_not_read_as_a_typo_of_another_word() -> None:
    """ "помогите" (help!) shares its stem with the lessons' "помогает" (helps): not a misspelt "помните"."""
    assert "recruitment/done" not in [str(node) for node in SEARCH.find("помогите с работой", "ru").nodes]


@pytest.mark.parametrize(
    ("typed", "language"), [("патент", "ru"), ("как получить патент", "ru"), ("патентро чи тавр гирам", "tg")]
)
def test_a_bare_question_about_a_thing_finds_its_screen_before_the_screen_of_those_who_need_none(
    typed: str, language: str
) -> None:
    """The Kyrgyz screen's keyword "без патента" (no patent needed) is about the patent's absence."""
    assert first(typed, language) == "abroad/patent"


@pytest.mark.parametrize(
    ("typed", "screens"),
    [
        ("ман бори аввал ба Русия меравам чи кор кунам", {"before_you_go/start", "abroad/russia"}),
        ("хонам рафтан мехохам", {"coming_home/start"}),
    ],
)
def test_a_first_trip_and_going_home_find_their_lessons(typed: str, screens: set[str]) -> None:
    assert first(typed, "tg") in screens


@pytest.mark.parametrize(
    "typed", ["пеш аз рафтан аз бонк қарз гирифтан хатарнок аст?", "қарз гирифта ба Русия рафтан дуруст аст ё не?"]
)
def test_a_word_of_the_whole_lesson_that_finds_a_screen_most_is_that_screens_own(typed: str) -> None:
    """ "қарз" (debt) is a keyword of the before-you-go lesson and of its money screen: it finds the
    money screen more than the menu, so the menu's "рафтан" (to go) sets the scene, not the answer."""
    assert first(typed, "tg") == "before_you_go/money"


def test_getting_is_no_topic_of_its_own() -> None:
    """ "гирифтан" (to get) of the money screen's "қарз гирифтан" (to borrow) is not what "патент
    гирифтан" (to get a patent) asks about."""
    assert first("патент гирифтан", "tg") == "abroad/patent"


def test_no_money_for_the_ticket_is_the_money_for_the_journey() -> None:
    assert first("нет денег на билет") == "before_you_go/money"


def test_an_uzbek_noun_in_ma_is_not_read_as_spoken_tajik_in_the_lessons() -> None:
    """Spoken Tajik "-ма" (my ..., "маошма") is read in what people type only: the lessons' Uzbek
    "oʻtkazma" (a transfer) is no "oʻtkaz" + "my", which would make a refusal ("отказ") at the
    border a question about sending money home."""
    assert first("в прошлом году на границе отказ шуд, имсол метонам?", "tg") != "families/remittances"
    assert first("pul oʻtkazma", "uz") == "families/remittances"


def test_the_price_of_something_the_lessons_do_not_name_is_not_covered() -> None:
    """The patent's screen speaks of its price, so 'сколько стоит' alone finds it; a bus fare is
    not what that screen answers, and the honest answer is "not covered" and a person."""
    answer = SEARCH.find("автобус Душанбе Москва скока стоит", "ru")
    assert answer.nodes == [] and answer.not_covered
    assert first("патент чанд пул", "tg") == "abroad/patent"
    assert first("сколько стоит патент в месяц") == "abroad/patent"
