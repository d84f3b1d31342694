"""`safar check`: editors get every problem with its line and how to fix it, and an exit code."""

from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_curriculum
from bot.content.facts import source_problems
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit, line_of


def test_the_shipped_content_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    assert capsys.readouterr().out.strip().endswith("no errors, 0 warning(s).")


def test_broken_content_lists_every_problem_with_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    edit(
        content / "lessons" / "recruitment.yaml",
        'goto: contract\n      - label: {tg: "🔎',
        'goto: contrct\n      - label: {tg: "🔎',
    )
    edit(content / "lessons" / "main.yaml", "<b>Safar</b> helps", "<b>Safar helps")
    edit(
        content / "contacts.yaml",
        "checked: 2026-12-01\n\nmolmep_ru_central_1",
        "checked: 2024-01-01\n\nmolmep_ru_central_1",
    )
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out.splitlines()
    button = line_of(content / "lessons" / "recruitment.yaml", "goto: contrct") - 1  # its first line: the label
    assert out[:6] == [
        "contacts.yaml:38: warning: contact 'ru_emergency' was last checked on 2024-01-01: check it again",
        "    how to fix: Call the number or open the source again; then update 'checked:' with today's date "
        "(or remove the contact).",
        "lessons/main.yaml:22: <b> is never closed",
        "    how to fix: Every <b> needs its </b> (and the same for other tags), closed in the reverse order they "
        "were opened.",
        f"lessons/recruitment.yaml:{button}: button 1 of 'fees' points to unknown node 'contrct' "
        "(did you mean 'contract'?)",
        "    how to fix: Check the spelling of the node name after 'goto:', or add a node with that name under 'nodes:'.",
    ]
    assert out[-1].endswith("2 error(s), 1 warning(s). The bot will not start until the errors are fixed.")


def test_one_file_can_be_checked_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "lessons" / "main.yaml", "<b>Safar</b> helps", "<b>Safar helps")
    assert main(["check", str(content / "lessons" / "recruitment.yaml")]) == 0
    assert capsys.readouterr().out.strip() == "lessons/recruitment.yaml: no errors, 0 warning(s)."
    assert main(["check", str(content / "lessons" / "main.yaml")]) == 1
    assert "lessons/main.yaml:22: <b> is never closed" in capsys.readouterr().out


def test_a_folder_without_content_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path)]) == 1
    assert "this is not a content directory" in capsys.readouterr().out


def test_yaml_an_editor_broke_says_where_and_how(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "lessons" / "hotlines.yaml", "start: start\n", "start: start\n\tnodes:\n")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out
    assert "lessons/hotlines.yaml:13: this is not valid YAML" in out
    assert "how to fix: Check the indentation (spaces only, no tabs" in out


def test_a_source_that_is_a_local_path_or_has_no_date_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    edit(
        content / "contacts.yaml",
        "source: '\"Long beeps in response",
        "source: 'via ../shared/sources/facts.md; \"Long beeps in response",
    )
    edit(
        content / "contacts.yaml",
        "IOM Tajikistan, page undated (read 2026-12-01)",
        "IOM Tajikistan",
    )
    edit(content / "facts.yaml", "      date: 2025-11-11\n", "      date: recently\n")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out
    assert "molmep_ru_central_1.source: the source is a file on a development machine" in out
    assert "iom_tajikistan.source: the source has no date" in out
    assert "ru_patent_moscow_2026: sources.0.date: 'recently' is not a date" in out


def test_a_reminder_deadline_that_disagrees_with_its_fact_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    edit(content / "reminders.yaml", "monthly_remind_days_before: 4", "monthly_remind_days_before: 0")
    assert main(["check", str(content)]) == 1
    assert "the plan says 0 but fact 'ru_patent_pay_early' says 4" in capsys.readouterr().out


def test_what_counts_as_a_local_or_undated_source() -> None:
    assert source_problems("Asia-Plus, 29 Nov 2024, https://asiaplus.news/tmp/2024/../x") == []
    assert source_problems("IOM page, undated, read 2026-12-01, https://tajikistan.iom.int") == []
    assert len(source_problems("seed 004_3742ad3a0d807eb6.txt (IOM, 2023)")) == 1
    assert len(source_problems("klerk.ru (2025) — via ../shared/sources/facts.md")) == 1
    assert source_problems("https://migration.tj") == [
        "the source has no date; add when it was published (or 'undated, read YYYY-MM-DD')"
    ]


def test_a_button_written_with_the_old_feature_key_still_opens_its_tool_and_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`feature:` became `tool:` (issue 28): editors' files keep working, and check asks to rename."""
    content = copy_of_real_content(tmp_path)
    edit(content / "lessons" / "recruitment.yaml", "tool: agency_check", "feature: agency_check")
    assert main(["check", str(content)]) == 0
    out = capsys.readouterr().out.splitlines()
    line = line_of(content / "lessons" / "recruitment.yaml", "feature: agency_check")
    assert out[0] == (
        f"lessons/recruitment.yaml:{line}: warning: 'feature:' is now called 'tool:': "
        "rename it (the old name still works for now)"
    )
    assert out[-1].endswith("no errors, 1 warning(s).")
    curriculum = load_curriculum(content, today=CONTENT_DAY)
    tools = [b.tool for lesson in curriculum.lessons.values() for n in lesson.nodes.values() for b in n.buttons]
    assert tools.count("agency_check") == 4  # before you go, recruitment, contract, and the tools lesson
