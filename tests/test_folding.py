"""Words typed on any keyboard meet the words of the content: one key in common is a match."""

import pytest

from bot.understanding.stemming import word_keys
from bot.understanding.transliteration import normalize, words
from bot.understanding.typos import Vocabulary


def share_a_key(first: str, second: str) -> bool:
    [a], [b] = words(first), words(second)
    return bool(word_keys(a) & word_keys(b))


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("pasport", "паспорта"),  # Russian in Latin letters, an inflected form
        ("zabrali", "забрал"),  # Russian verb endings (snowball)
        ("хуччатхоямро", "ҳуҷҷат"),  # Tajik without ҳ and ҷ, plural + possessive + object endings
        ("hujjatlarimni", "ҳуҷҷатҳоямро"),  # the same word in Uzbek and in Tajik
        ("royxatdan", "roʻyxatdan"),  # Uzbek without the apostrophe letter
        ("ro'yxatdan", "roʻyxatdan"),  # with a plain apostrophe
        ("xo'jayin", "хоҷайин"),  # x/х, j/ҷ
        ("zarplatu", "зарплата"),
        ("chek", "чек"),  # Latin ch is Cyrillic ч
        ("ўқиш", "oʻqish"),  # Uzbek Cyrillic ў and қ are Latin oʻ and q
        ("ғалла", "gʻalla"),  # ғ is gʻ
        ("ҳужжатлар", "hujjatlar"),  # ҳ is h
        ("ёрдам", "yordam"),  # Uzbek ё at a word's start is yo
        ("ёрӣ", "yori"),  # and Tajik ё
        ("берёт", "берет"),  # after a consonant, Russian ё is typed е
        ("телефонама", "телефон"),  # spoken Tajik's object ending after a possessive (-амро)
    ],
)
def test_the_same_word_typed_another_way_is_found(typed: str, written: str) -> None:
    assert share_a_key(typed, written)


@pytest.mark.parametrize(("typed", "written"), [("olish", "olishdi"), ("opasno", "пропал"), ("hello", "хел")])
def test_different_words_stay_apart(typed: str, written: str) -> None:
    assert not share_a_key(typed, written)


def test_a_misspelt_word_is_taken_for_the_known_word_within_its_typo_budget() -> None:
    known = Vocabulary({"medical", "patent", "registration"})
    assert known.closest("medcal") == "medical"
    assert known.closest("registraton") == "registration"
    assert known.closest("pat") is None, "short words get no typos"
    assert known.closest("pottery") is None


def test_agency_names_keep_their_folding_because_report_keys_are_stored() -> None:
    assert normalize("ООО «Сафар-Тревел»") == ["ooo", "safar", "trevel"]
    assert normalize("Yoʻl Xizmat") == ["yol", "hizmat"]
