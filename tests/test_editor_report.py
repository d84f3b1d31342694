"""`safar report`: per lesson nodes, words per language, sourced facts and contacts' age."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.content.facts import load_fact_registry
from bot.content.loader import PACKAGED_CONTENT
from tests.support.content_fixtures import copy_of_real_content, edit
from tests.support.real_content import real_curriculum


@pytest.fixture(autouse=True)
def no_bots_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The content alone: a checkout where the bot has run (data/safar.sqlite3) or a DATABASE_URL
    would add callers' answers to the report (tests/test_contact_health.py covers those)."""
    monkeypatch.setenv("DB_PATH", str(tmp_path / "no-bot-here.sqlite3"))
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_every_lesson_is_reported_with_its_facts_and_contacts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--today", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    curriculum = real_curriculum()
    for lesson_id, lesson in curriculum.lessons.items():
        section = out.split(f"{lesson_id} — ", 1)[1].split("\n\n", 1)[0]
        assert f"  nodes: {len(lesson.nodes)}\n" in section
        for fact_id in {fact for node in lesson.nodes.values() for fact in node.facts}:
            assert f"    {fact_id} (checked " in section
    contract = out.split("contract — Your contract", 1)[1].split("\n\n", 1)[0]
    assert (
        "    ru_labour_code_67 (checked 22.11.2026, 0 month(s) ago): “Labour Code of the Russian Federation, "
        "Article 67”, tkrfkod.ru (text of the code), undated, read 2026-11-22, https://tkrfkod.ru/statja-67/"
    ) in contract
    assert "    molmep_ru_central_1: checked 07.12.2026, 0 month(s) ago" in contract
    abroad = out.split("abroad — Arriving in Russia or Kazakhstan", 1)[1].split("\n\n", 1)[0]
    assert "    ru_stay_90_per_year (checked 06.12.2026" in abroad, "a fact inserted with fact() is counted"
    hotlines = out.split("hotlines — Help and hotlines", 1)[1].split("\n\n", 1)[0]
    assert "    ru_emergency: checked 01.12.2026" in hotlines, "contacts found by country and need are counted"
    assert "    kz_police: checked 01.12.2026" in hotlines, "a query by country and need together is counted"
    assert out.rstrip().endswith("Due for re-checking (not checked for 12 months): none.")


def test_every_fact_is_listed_with_its_age_oldest_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--today", "2027-11-30"]) == 0
    out = capsys.readouterr().out
    facts = out.split("Facts: ", 1)[1].split("\n\n", 1)[0].splitlines()
    registered = len(load_fact_registry(PACKAGED_CONTENT)[0])
    assert facts[0] == f"{registered}. Due for re-checking (not checked for 12 months): 13."
    assert facts[1] == "  adult_training: checked 22.11.2026, 12 month(s) ago, 1 source(s)  ← due for re-checking"
    assert "  ru_patent_moscow_2026: checked 01.12.2026, 11 month(s) ago, 2 source(s)" in facts


def test_contacts_older_than_a_year_are_listed_as_due(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    edit(
        content / "contacts.yaml",
        "checked: 2026-12-01\n\nmolmep_ru_central_1",
        "checked: 2025-10-01\n\nmolmep_ru_central_1",
    )
    assert main(["report", "--content", str(content), "--today", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "    ru_emergency: checked 01.10.2025, 14 month(s) ago  ← due for re-checking" in out
    assert (
        "Due for re-checking (not checked for 12 months): 1.\n"
        '  ru_emergency: checked 01.10.2025; source: "Об утверждении перечня экстренных оперативных служб' in out
    )


def test_words_are_counted_without_markup_or_templates() -> None:
    from bot.editing.report import words

    assert words("<b>Оё шумо</b> {{ contact('ru_emergency') }} oʻzingizni tekshiring") == 4
