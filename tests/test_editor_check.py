"""`safar check`: editors get every problem with its line and how to fix it, and an exit code."""

from pathlib import Path

import pytest

from bot.__main__ import main
from tests.content_fixtures import copy_of_real_content, edit


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
    edit(content / "contacts.yaml", "checked: 2026-11-22\n\ntj_emergency", "checked: 2024-01-01\n\ntj_emergency")
    assert main(["check", str(content)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[:6] == [
        "contacts.yaml:29: warning: contact 'ru_emergency' was last checked on 2024-01-01: check it again",
        "    how to fix: Call the number or open the source again; then update 'checked:' with today's date "
        "(or remove the contact).",
        "lessons/main.yaml:22: <b> is never closed",
        "    how to fix: Every <b> needs its </b> (and the same for other tags), closed in the reverse order they "
        "were opened.",
        "lessons/recruitment.yaml:82: button 1 of 'fees' points to unknown node 'contrct' (did you mean 'contract'?)",
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
