"""A country the content adds to the hotlines appears in the danger answer by itself: no code change."""

from pathlib import Path

from bot.content import load_curriculum
from bot.content.curriculum import NodeId
from bot.services.danger_view import choice_label, danger_view
from bot.services.search import NodeSearch
from tests.content_fixtures import copy_of_real_content, edit

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
    content = copy_of_real_content(tmp_path)
    hotlines = content / "lessons" / "hotlines.yaml"
    edit(hotlines, "  tajikistan:\n", KAZAKHSTAN_SCREEN)
    edit(hotlines, "      - label:\n          tg: ⛓", KAZAKHSTAN_BUTTON)
    return content


def test_a_new_country_screen_becomes_a_one_tap_choice(tmp_path: Path) -> None:
    curriculum = load_curriculum(with_kazakhstan(tmp_path))
    view = danger_view(curriculum, None)
    assert [choice.country for choice in view.choices] == ["RU", "KZ", "TJ"]
    assert [choice_label(curriculum, choice, "en") for choice in view.choices] == [
        "🇷🇺 In Russia",
        "🇰🇿 In Kazakhstan",
        "🇹🇯 In Tajikistan",
    ]


def test_a_danger_message_naming_the_new_country_opens_its_screen(tmp_path: Path) -> None:
    curriculum = load_curriculum(with_kazakhstan(tmp_path))
    answer = NodeSearch(curriculum).find("в Алматы забрали паспорт", "ru")
    assert answer.country == "KZ"
    assert danger_view(curriculum, answer.country).country_screen == NodeId("hotlines", "kazakhstan")


def test_a_named_country_without_a_screen_gets_every_emergency_number_and_the_choice() -> None:
    curriculum = load_curriculum()
    view = danger_view(curriculum, "UZ")
    assert view.country_screen is None
    assert [choice.country for choice in view.choices] == ["RU", "TJ"]


def test_two_countries_named_leave_the_choice_to_the_person() -> None:
    answer = NodeSearch(load_curriculum()).find("from Tajikistan, in Russia they took my passport", "en")
    assert answer.is_danger and answer.country is None
