"""Finding agencies as people type them, and the registry file staff maintain."""

from pathlib import Path

import pytest

from bot.content import ContentError
from bot.content.agencies import load_registry
from bot.services.agency_search import AgencyIndex, agency_key

FIXTURE = Path(__file__).parent / "fixtures" / "agencies.yaml"
INDEX = AgencyIndex(load_registry(FIXTURE))


def found(typed: str) -> list[str]:
    return [match.agency.licence for match in INDEX.find(typed)]


@pytest.mark.parametrize(
    "typed",
    [
        "ООО «Сафар-Плюс»", "сафар плюс", "САФАР ПЛЮС", "Safar Plus", "safar plyus", '"Safar-Plus" LLC',
        "ооо сафар-плюс", "Сафар Плус", "safar pluss", "Сафар-Плюс компания", "0001234", "№ 0001234", "safar",
    ],
)  # fmt: skip
def test_spellings_of_one_agency_find_it(typed: str) -> None:
    assert found(typed) == ["0001234"]


@pytest.mark.parametrize("typed", ["Меҳнати хуб", "мехнати хуб", "Mehnati Xub", "ҷдмм mehnati khub", "315"])
def test_tajik_letters_and_legal_forms_are_folded(typed: str) -> None:
    assert found(typed) == ["315"]


@pytest.mark.parametrize("typed", ["Барака Транс", "baraka trans servis", "Барака-Транс-Сервис"])
def test_an_expired_licence_is_found_too(typed: str) -> None:
    assert found(typed) == ["AB-77"]


@pytest.mark.parametrize("typed", ["Global Work Agency", "ООО Ромашка", "x", "", "000"])
def test_unrelated_names_find_nothing(typed: str) -> None:
    assert found(typed) == []


def test_a_partial_name_is_a_weaker_match_than_the_whole() -> None:
    (whole,) = INDEX.find("safar plus")
    (partial,) = INDEX.find("safar")
    assert whole.similarity == 1.0 and partial.similarity < 1.0


def test_keys_drop_quotes_and_legal_forms() -> None:
    assert agency_key("ООО «Сафар-Плюс»") == agency_key("safar plyus") == "safar plyus"


def test_the_shipped_registry_is_valid_and_says_it_is_empty() -> None:
    registry = load_registry(Path("bot/content/agencies.yaml"))
    assert registry.agencies == [] and registry.list_taken is None
    assert "no public list" in registry.source


def problems(tmp_path: Path, name: str, text: str) -> list[str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_registry(path)
    return [str(p) for p in caught.value.problems]


def test_registry_errors_name_file_and_line(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace("valid_until: 2024-06-30", "valid_until: soon")
    text = text.replace('licence: "315"', 'licence: "0001234"')
    assert problems(tmp_path, "agencies.yaml", text) == [
        "agencies.yaml:11: agencies.1.valid_until: 'soon' is not a date: write dates as 2026-11-22 (year-month-day)",
    ]
    text = FIXTURE.read_text(encoding="utf-8").replace('licence: "315"', 'licence: "0001234"')
    assert problems(tmp_path, "agencies.yaml", text) == [
        "agencies.yaml:12: licence '0001234' is listed twice (also entry 1)",
    ]


def test_a_csv_registry_loads_and_its_errors_name_the_row(tmp_path: Path) -> None:
    header = "licence,names,valid_until,regions,phone,source,list_taken\n"
    good = header + '0001234,"ООО Сафар-Плюс;Safar Plus",2099-01-01,Dushanbe,,test,2026-10-01\n'
    path = tmp_path / "list.csv"
    path.write_text(good, encoding="utf-8")
    registry = load_registry(path)
    assert registry.list_taken is not None and registry.agencies[0].names == ["ООО Сафар-Плюс", "Safar Plus"]
    bad = good + "77,,2099-01-01,,,test,2026-10-01\n"
    assert problems(tmp_path, "list.csv", bad) == ["list.csv:3: agencies.1.names: needs at least one entry"]
    assert problems(tmp_path, "cols.csv", "licence,name\n1,x\n") == [
        "cols.csv:1: the first row lacks the column(s): names, valid_until, regions, phone, source, list_taken"
    ]
