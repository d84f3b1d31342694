"""The loader reports every problem in broken content as `file:line: message`, and never
half-loads. Each fixture is a small content directory with one thing wrong."""

from datetime import date
from pathlib import Path
from textwrap import dedent

import pytest

from bot.content import ContentError, load_curriculum
from bot.content.curriculum import NodeId
from bot.content.loader import PACKAGED_CONTENT
from bot.content.yaml_source import forget_parsed_files, parse_yaml, without_lines
from tests.support.content_fixtures import CONTENT_DAY, MAIN

CONTACTS = """\
ru_emergency:
  name: {tg: Рақами 112, ru: Номер 112, uz: 112 raqami, en: Number 112}
  country: RU
  needs: [emergency]
  phone: "112"
  source: "TASS, 1 Jan 2022"
  checked: 2026-11-22
"""

HOTLINES = """\
title: {tg: Кӯмак, ru: Помощь, uz: Yordam, en: Help}
start: start
nodes:
  start:
    text:
      tg: "{{ contact('ru_emergency') }}"
      ru: "{{ contact('ru_emergency') }}"
      uz: "{{ contact('ru_emergency') }}"
      en: "{{ contact('ru_emergency') }}"
"""


def content(tmp_path: Path, **lessons: str) -> Path:
    """A content directory: the minimal valid files, with any of them replaced."""
    files = {"main": MAIN, "hotlines": HOTLINES, **lessons}
    contacts = files.pop("contacts", CONTACTS)
    (tmp_path / "lessons").mkdir(parents=True)
    (tmp_path / "contacts.yaml").write_text(contacts, encoding="utf-8")
    for name, text in files.items():
        if text is not None:
            (tmp_path / "lessons" / f"{name}.yaml").write_text(dedent(text), encoding="utf-8")
    return tmp_path


def problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_curriculum(path, today=CONTENT_DAY)
    return [str(p) for p in caught.value.problems]


def test_the_minimal_content_loads_without_warnings(tmp_path: Path) -> None:
    curriculum = load_curriculum(content(tmp_path), today=CONTENT_DAY)
    assert [str(w) for w in curriculum.warnings] == []
    assert "Number 112" in curriculum.render_node(NodeId("hotlines", "start"), "en").text


def test_a_button_to_an_unknown_node(tmp_path: Path) -> None:
    broken = MAIN.replace("lesson: hotlines", "goto: fees2")
    assert problems(content(tmp_path, main=broken)) == [
        "lessons/main.yaml:7: button 1 of 'menu' points to unknown node 'fees2'",
    ]


def test_a_button_to_an_unknown_lesson_and_an_unreachable_node(tmp_path: Path) -> None:
    broken = MAIN.replace("lesson: hotlines", "lesson: contracts") + (
        "  orphan:\n    text: {tg: а, ru: а, uz: a, en: a}\n"
    )
    assert problems(content(tmp_path, main=broken)) == [
        "lessons/main.yaml:7: button 1 of 'menu' points to unknown lesson 'contracts'",
        "lessons/main.yaml:9: node 'orphan' cannot be reached from 'menu'",
    ]


def test_invalid_yaml_is_reported_on_its_line(tmp_path: Path) -> None:
    broken = MAIN.replace("    text: {tg: Салом,", "    text: {tg: Салом: x,")
    assert problems(content(tmp_path, main=broken)) == [
        "lessons/main.yaml:5: this is not valid YAML: in {…} or […] on one line, put each text in double quotes",
    ]


def test_an_unknown_contact_and_bad_html(tmp_path: Path) -> None:
    broken = HOTLINES.replace("en: \"{{ contact('ru_emergency') }}\"", "en: \"{{ contact('ru_emergancy') }}\"").replace(
        "ru: \"{{ contact('ru_emergency') }}\"", 'ru: "Звоните<br>112"'
    )
    assert problems(content(tmp_path, hotlines=broken)) == [
        "lessons/hotlines.yaml:7: <br> is not a tag Telegram supports (write a line break as a new line)",
        "lessons/hotlines.yaml:9: the text names unknown contact 'ru_emergancy' (did you mean 'ru_emergency'?)",
    ]


def test_a_bare_ampersand_and_an_unclosed_tag(tmp_path: Path) -> None:
    broken = MAIN.replace("en: Hello}", 'en: "<b>Tom & Jerry"}')
    assert problems(content(tmp_path, main=broken)) == [
        "lessons/main.yaml:5: <b> is never closed",
        "lessons/main.yaml:5: a bare '&' must be written as &amp;",
    ]


def test_text_over_4096_characters_after_rendering(tmp_path: Path) -> None:
    long_text = "{% for i in range(500) %}{{ contact('ru_emergency') }}{% endfor %}"
    broken = HOTLINES.replace("uz: \"{{ contact('ru_emergency') }}\"", f'uz: "{long_text}"')
    found = problems(content(tmp_path, hotlines=broken))
    assert len(found) == 1
    assert found[0].startswith("lessons/hotlines.yaml:8: the 'uz' text is ")
    assert found[0].endswith("characters long; Telegram allows 4096")


def test_schema_errors_name_the_field_and_line(tmp_path: Path) -> None:
    broken = MAIN.replace("    buttons:", "    buttns:").replace("start: menu", "start: menu\ncolour: red")
    assert problems(content(tmp_path, main=broken)) == [
        "lessons/main.yaml:3: 'colour' is not a known field (check its spelling and indentation)",
        "lessons/main.yaml:7: 'nodes.menu.buttns' is not a known field (did you mean 'buttons'?)",
    ]


def test_a_missing_field_and_an_unknown_language(tmp_path: Path) -> None:
    broken = MAIN.replace("start: menu\n", "").replace("uz: Menyu, en: Menu}", "uz: Menyu, fr: Menu}")
    assert problems(content(tmp_path, main=broken)) == [
        "lessons/main.yaml:1: the file: 'start' is missing",
        "lessons/main.yaml:1: title: 'fr' is not a language; use tg, ru, uz or en",
    ]


def test_a_key_written_twice(tmp_path: Path) -> None:
    broken = MAIN.replace("start: menu\n", "start: menu\nstart: other\n")
    assert problems(content(tmp_path, main=broken)) == [
        "lessons/main.yaml:3: 'start' appears twice, on line 2 and on line 3",
    ]


def test_every_problem_in_every_file_is_reported_at_once(tmp_path: Path) -> None:
    contacts = CONTACTS.replace('phone: "112"', 'phone: "call us"')
    main = MAIN.replace("lesson: hotlines", "goto: nowhere")
    assert problems(content(tmp_path, contacts=contacts, main=main)) == [
        "contacts.yaml:1: ru_emergency: 'call us' does not look like a phone number",
        "lessons/main.yaml:7: button 1 of 'menu' points to unknown node 'nowhere'",
    ]


def test_a_missing_required_lesson(tmp_path: Path) -> None:
    assert problems(content(tmp_path, hotlines=None)) == [  # type: ignore[arg-type]
        "lessons/hotlines.yaml:1: the lesson 'hotlines' is required but missing",
        "lessons/main.yaml:7: button 1 of 'menu' points to unknown lesson 'hotlines'",
    ]


def test_a_missing_translation_is_a_warning_and_falls_back_along_the_chain(tmp_path: Path) -> None:
    partial = MAIN.replace("tg: Салом, ", "")
    curriculum = load_curriculum(content(tmp_path, main=partial), today=CONTENT_DAY)
    assert [str(w) for w in curriculum.warnings] == [
        "lessons/main.yaml:5: warning: nodes.menu.text: no translation for tg"
    ]
    assert curriculum.render_node(NodeId("main", "menu"), "tg").text == "Привет"


CHECK = """\
title: {tg: С, ru: С, uz: S, en: C}
start: q
nodes:
  q:
    text: {tg: "С?", ru: "В?", uz: "S?", en: "Q?"}
    answers:
      - {label: {tg: Ҳа, ru: Да, uz: Ha, en: "Yes"}, points: 1, goto: r}
  r:
    results:
      - {name: any, text: {tg: Б, ru: В, uz: Y, en: H}}
"""
CHECK_LINK = "      - label: {tg: С, ru: С, uz: S, en: C}\n        lesson: check\n"


def test_a_check_without_a_default_result(tmp_path: Path) -> None:
    check = CHECK.replace("{name: any,", "{name: high, min_score: 1,")
    assert problems(content(tmp_path, main=MAIN + CHECK_LINK, check=check)) == [
        "lessons/check.yaml:8: nodes.r: the last of 'results' must have no condition, so every score fits",
    ]


def test_a_question_that_also_has_results_is_refused_so_every_screen_has_one_kind(tmp_path: Path) -> None:
    results = "\n    results:\n      - {name: any, text: {tg: Б, ru: В, uz: Y, en: H}}"
    check = CHECK.replace("goto: r}", "goto: r}" + results)
    assert problems(content(tmp_path, main=MAIN + CHECK_LINK, check=check)) == [
        "lessons/check.yaml:4: nodes.q: a node has either 'answers' (a question) or 'results' (its outcome), not both",
    ]


def test_a_node_may_declare_its_kind_and_one_that_does_not_gets_it_from_its_fields(tmp_path: Path) -> None:
    declared = CHECK.replace("  q:\n", "  q:\n    kind: question\n").replace("  r:\n", "  r:\n    kind: result\n")
    curriculum = load_curriculum(content(tmp_path, main=MAIN + CHECK_LINK, check=declared), today=CONTENT_DAY)
    kinds = {node_id.node: curriculum.node(node_id).kind for node_id in curriculum.node_ids()}
    assert kinds == {"menu": "page", "start": "page", "q": "question", "r": "result"}


def test_a_node_whose_fields_contradict_its_declared_kind_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    contradicting = CHECK.replace("  q:\n", "  q:\n    kind: page\n")
    assert problems(content(tmp_path, main=MAIN + CHECK_LINK, check=contradicting)) == [
        "lessons/check.yaml:4: nodes.q: 'kind: page' cannot have 'answers' (a question has them): "
        "remove 'answers', or write 'kind: question'",
    ]


def test_an_unknown_kind_of_screen_is_named_with_the_kinds_there_are(tmp_path: Path) -> None:
    misspelt = CHECK.replace("  r:\n", "  r:\n    kind: reslut\n")
    assert problems(content(tmp_path, main=MAIN + CHECK_LINK, check=misspelt)) == [
        "lessons/check.yaml:8: nodes.r: 'kind: reslut' is not a kind of screen; use page, question, result "
        "(did you mean 'result'?)",
    ]


def test_a_typo_in_a_field_of_a_kind_names_the_node_not_its_kind(tmp_path: Path) -> None:
    typo = CHECK.replace("    results:", "    reslts:")
    assert problems(content(tmp_path, main=MAIN + CHECK_LINK, check=typo)) == [
        "lessons/check.yaml:8: nodes.r: a node needs 'text' or 'results'",
    ]
    typo = CHECK.replace("    answers:", "    kind: question\n    answrs:")
    assert problems(content(tmp_path / "declared", main=MAIN + CHECK_LINK, check=typo)) == [
        "lessons/check.yaml:4: nodes.q: 'answers' is missing",
        "lessons/check.yaml:7: 'nodes.q.answrs' is not a known field (did you mean 'answers'?)",
    ]


def test_a_contact_checked_long_ago_is_a_warning(tmp_path: Path) -> None:
    old = CONTACTS.replace("checked: 2026-11-22", "checked: 2020-01-01")
    curriculum = load_curriculum(content(tmp_path, contacts=old), today=CONTENT_DAY)
    assert [str(w) for w in curriculum.warnings] == [
        "contacts.yaml:7: warning: contact 'ru_emergency' was last checked on 2020-01-01: check it again"
    ]


def test_a_contacts_age_is_measured_from_the_date_the_loader_is_given(tmp_path: Path) -> None:
    checked = CONTACTS.replace("checked: 2026-11-22", "checked: 2026-06-01")
    root = content(tmp_path, contacts=checked)
    assert load_curriculum(root, today=date(2027, 5, 31)).warnings == []
    assert [str(w) for w in load_curriculum(root, today=date(2027, 6, 3)).warnings] == [
        "contacts.yaml:7: warning: contact 'ru_emergency' was last checked on 2026-06-01: check it again"
    ]


def _plain(value: object) -> object:
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


def test_content_read_without_lines_has_the_same_values_as_read_with_them() -> None:
    """The loader reads with libyaml first (fast, no lines): for every packaged file the values,
    dates as typed and YAML 1.2 words such as `No` included, must be what the reading with lines gives."""
    files = sorted(PACKAGED_CONTENT.rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        with without_lines():
            fast = parse_yaml(text)
        exact = parse_yaml(text)
        assert type(fast) is dict and type(exact) is not dict, "the two readings are not the same reader"
        assert _plain(fast) == _plain(exact), path.name
    forget_parsed_files()
    sample = "checked: 2026-22-11\nanswer: No\nlist: [1, yes]\n"
    with without_lines():
        assert parse_yaml(sample) == {"checked": "2026-22-11", "answer": "No", "list": [1, "yes"]}
    forget_parsed_files()
