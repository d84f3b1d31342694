"""A country the content adds to the hotlines appears in the danger answer by itself: no code change."""

from pathlib import Path

import pytest

from bot.content import load_curriculum
from bot.content.curriculum import NodeId
from bot.services.danger_view import danger_view, offer_label
from bot.understanding.alarm import Alarm
from bot.understanding.search import NodeSearch
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit
from tests.support.real_content import real_curriculum

KAZAKHSTAN_SCREEN = """  kazakhstan:
    text:
      tg: "<b>Кӯмак дар Қазоқистон</b>\\n\\n{{ contacts(country='KZ') }}"
      ru: "<b>Помощь в Казахстане</b>\\n\\n{{ contacts(country='KZ') }}"
      uz: "<b>Qozogʻistonda yordam</b>\\n\\n{{ contacts(country='KZ') }}"
      en: "<b>Help in Kazakhstan</b>\\n\\n{{ contacts(country='KZ') }}"
  tajikistan:
"""
KAZAKHSTAN_BUTTON = """      - label: {tg: "🇰🇿 Дар Қазоқистон", ru: "🇰🇿 В Казахстане", uz: "🇰🇿 Qozogʻistonda", en: "🇰🇿 In Kazakhstan"}
        goto: kazakhstan
      - label:
          tg: ⛓"""


def with_kazakhstan(tmp_path: Path) -> Path:
    """The real content, with a Kazakhstan hotlines screen added unless it already has one."""
    content = copy_of_real_content(tmp_path)
    hotlines = content / "lessons" / "hotlines.yaml"
    if "contacts(country='KZ')" not in hotlines.read_text(encoding="utf-8"):
        edit(hotlines, "  tajikistan:\n", KAZAKHSTAN_SCREEN)
        edit(hotlines, "      - label:\n          tg: ⛓", KAZAKHSTAN_BUTTON)
    return content


def test_a_new_country_screen_becomes_a_one_tap_choice(tmp_path: Path) -> None:
    curriculum = load_curriculum(with_kazakhstan(tmp_path), today=CONTENT_DAY)
    view = danger_view(curriculum, None)
    assert [choice.country for choice in view.choices][:2] == ["RU", "KZ"]
    labels = [offer_label(curriculum, choice.node, "en") for choice in view.choices]
    assert labels[1].startswith("🇰🇿")


def test_a_danger_message_naming_the_new_country_opens_its_screen(tmp_path: Path) -> None:
    curriculum = load_curriculum(with_kazakhstan(tmp_path), today=CONTENT_DAY)
    answer = NodeSearch(curriculum).find("в Алматы забрали паспорт", "ru")
    assert answer.country == "KZ"
    assert danger_view(curriculum, answer.country).screen == NodeId("hotlines", "kazakhstan")


def test_a_named_country_without_a_screen_gets_every_emergency_number_and_the_choice() -> None:
    curriculum = real_curriculum(translated=False)
    view = danger_view(curriculum, "XK")
    assert view.screen == curriculum.hotlines
    assert {"RU", "TJ"} <= {choice.country for choice in view.choices}


def test_two_countries_named_leave_the_choice_to_the_person() -> None:
    answer = NodeSearch(real_curriculum(translated=False)).find("Tajikistan or Russia, they took my passport", "en")
    assert answer.is_danger and answer.country is None


@pytest.mark.parametrize(
    ("typed", "where"),
    [
        ("from Tajikistan, in Russia they took my passport", "RU"),  # where someone came from is not where they are
        ("шавҳарам аз Русия баргашт ва маро мезанад, дар Тоҷикистон ҳастем", "TJ"),
        ("муж вернулся из России и бьёт меня, мы в Таджикистане", "TJ"),
        ("my sister is in Kazakhstan, they keep her inside. I am in Tashkent", "KZ"),  # not where the writer is
    ],
)
def test_the_hotlines_are_those_of_the_country_the_person_in_danger_is_in(typed: str, where: str) -> None:
    answer = NodeSearch(real_curriculum(translated=False)).find(typed, "en")
    assert answer.is_danger and answer.country == where


@pytest.mark.parametrize(
    ("typed", "language"),
    [
        ("регистрация в Казахстане через сколько дней", "ru"),
        ("how many days to register in Kazakhstan", "en"),
        ("ба Қазоқистон равам қайд лозим аст?", "tg"),
    ],
)
def test_a_question_naming_a_country_finds_that_countrys_screen_first(typed: str, language: str) -> None:
    """Russia's registration deadlines do not answer a question about Kazakhstan."""
    answer = NodeSearch(real_curriculum(translated=False)).find(typed, language)
    assert answer.nodes and str(answer.nodes[0]) == "abroad/kazakhstan", answer.nodes


REAL_SEARCH = NodeSearch(real_curriculum())


@pytest.mark.parametrize(
    ("typed", "language", "country"),
    [
        ("шавҳарам аз Маскав баргашт, ҳар шаб маро мезанад", "tg", "TJ"),
        ("erim Rossiyadan qaytdi, har kuni meni uradi", "uz", "UZ"),
        ("муж вернулся из России и бьёт меня", "ru", None),  # Russian is read in every country
    ],
)
def test_harm_at_home_typed_by_a_reader_who_told_no_country_is_placed_by_the_interface_language(
    typed: str, language: str, country: str | None
) -> None:
    answer = REAL_SEARCH.find(typed, language)
    assert answer.is_danger and answer.country == country


def test_the_country_a_reader_told_comes_before_the_interface_language() -> None:
    answer = REAL_SEARCH.find("шавҳарам аз Маскав баргашт, ҳар шаб маро мезанад", "tg", home="UZ")
    assert answer.country == "UZ"


@pytest.mark.parametrize(
    "typed",
    [
        "меня держат в спецприёмнике третий день, говорят депортация, телефон отобрали",
        "brata zabral OMON s raboty, on ne otvechaet",
        "akam Tulada ishlaydi, 6 kundan beri telefoni oʻchiq, hech kim bilmaydi qayerda",
    ],
)
def test_russia_is_recognised_by_its_own_institutions_and_towns_when_the_country_is_not_named(typed: str) -> None:
    answer = REAL_SEARCH.find(typed, "ru")
    assert answer.alarm is not Alarm.NONE and answer.country == "RU", (answer.alarm, answer.country)
