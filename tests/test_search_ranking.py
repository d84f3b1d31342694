"""What a typed question is about decides the screen, not the words around it: the place someone
is in, the verbs of asking, a short Tajik root under its endings (search over the real content)."""

import pytest

from bot.understanding.search import NodeSearch
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
