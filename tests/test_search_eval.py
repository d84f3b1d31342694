"""The typed-question evaluation meets its goals on both the tuning and the held-out part, and its
script still runs end to end (tests/data/search_eval.yaml; see scripts/eval_search.py)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.eval_search import PARTS, evaluate, load_questions
from tests.support.processes import PROJECT, environment

TOP1_GOAL = 0.90
DANGER_RECALL_GOAL = 1.0
FALSE_ALARM_LIMIT = 0.05


@pytest.fixture(scope="module")
def figures() -> dict[str, dict[str, object]]:
    baseline = json.loads((PROJECT / "tests" / "data" / "search_eval_baseline.json").read_text())["top_lesson"]
    reports, _ = evaluate(load_questions(), baseline)
    return {part: reports[part].as_dict() for part in PARTS}


def test_the_set_is_what_the_goals_are_measured_on() -> None:
    questions = load_questions()
    assert len(questions) >= 80
    assert {q.lang for q in questions} == {"tg", "ru", "uz", "en"}
    assert sum(q.danger for q in questions) >= 20 and sum(not q.danger for q in questions) >= 20
    assert len(questions) // 5 <= sum(q.heldout for q in questions) <= len(questions) // 3, "about a quarter held out"


@pytest.mark.parametrize("part", PARTS)
def test_the_right_screen_comes_first_nine_times_in_ten(figures: dict[str, dict[str, object]], part: str) -> None:
    assert figures[part]["top1"] >= TOP1_GOAL, figures[part]  # type: ignore[operator]


@pytest.mark.parametrize("part", PARTS)
def test_every_danger_question_gets_the_alarm_first(figures: dict[str, dict[str, object]], part: str) -> None:
    assert figures[part]["danger_recall_at_1"] == DANGER_RECALL_GOAL, figures[part]


@pytest.mark.parametrize("part", PARTS)
def test_ordinary_questions_rarely_raise_the_alarm(figures: dict[str, dict[str, object]], part: str) -> None:
    assert figures[part]["false_alarm_rate"] <= FALSE_ALARM_LIMIT, figures[part]  # type: ignore[operator]


@pytest.mark.parametrize("part", PARTS)
def test_no_question_the_old_search_got_right_is_now_wrong(figures: dict[str, dict[str, object]], part: str) -> None:
    assert figures[part]["lesson_regressions"] == [], figures[part]


def test_the_evaluation_script_runs_end_to_end_at_small_size(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "scripts/eval_search.py", "--limit", "12", "--json"],
        cwd=PROJECT, env=environment(tmp_path), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["tuning"]["questions"] + figures["heldout"]["questions"] == 12
    assert set(figures["tuning"]) >= {"top1_by_language", "top3_by_language", "danger_recall_at_1", "false_alarm_rate"}
