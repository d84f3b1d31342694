"""The typed-message evaluation holds its ground on the tuning sets, and its script still runs end to
end on every set (see scripts/eval_search.py). The held-out sets' figures are reported in the
README, not asserted: a test that fails until someone tunes to them would invite that."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import Curriculum
from bot.content.curriculum import NodeId
from bot.understanding.search import NodeSearch
from scripts.eval_search import EVAL_SET, TUNING_SETS, build, evaluate, heldout_sets, load_questions
from tests.support.processes import PROJECT, environment

(
    BLIND_A,
    BLIND_B,
    BLIND_C,
    BLIND_D,
    BLIND_E,
    BLIND_F,
    BLIND_G,
    BLIND_H,
    BLIND_I,
    BLIND_J,
    BLIND_K,
    BLIND_L,
    BLIND_M,
) = TUNING_SETS[1:14]
STUDIED = {"top1": 0.84, "top3": 0.92, "danger_recall": 0.99, "false_alarm_rate": 0.03, "asked_harmless_rate": 0.035}
"""What the blind sets A, B, C and D reached once studied (2026-12-07, after I was studied: top-1
84.9-87.1%, top-3 92.9-96%, recall 100%, false alarms 1-2.4%, asked 0.6-3%), a little below: not
to fall back."""
K_FIGURES = {
    "top1": 0.84,
    "top3": 0.92,
    "danger_recall": 0.99,
    "false_alarm_rate": 0.01,
    "asked_harmless_rate": 0.01,
}
"""K once studied (2026-12-07: top-1 85.8%, top-3 93.8%, recall 100%, false alarms 0%, asked 0%),
a little below."""
FLOORS = {
    # The project's own questions: the goals they were written for.
    EVAL_SET.name: {"top1": 0.93, "top3": 0.98, "danger_recall": 0.98, "false_alarm_rate": 0.05},
    BLIND_A.name: STUDIED,
    BLIND_B.name: STUDIED,
    BLIND_C.name: STUDIED,
    BLIND_D.name: STUDIED,
    # Studied before F (now top-1 78.2%, top-3 88.9%, recall 100%, false alarms 1.7%, asked 3.5%).
    BLIND_E.name: {
        "top1": 0.77,
        "top3": 0.88,
        "danger_recall": 0.99,
        "false_alarm_rate": 0.02,
        "asked_harmless_rate": 0.04,
    },
    # Studied before G (now top-1 84.1%, top-3 91.4%, recall 100%, false alarms 0.3%, asked 0.7%).
    BLIND_F.name: {
        "top1": 0.83,
        "top3": 0.90,
        "danger_recall": 0.99,
        "false_alarm_rate": 0.01,
        "asked_harmless_rate": 0.01,
    },
    # Studied before H (now top-1 82.7%, top-3 92.5%, recall 100%, false alarms 1.4%, asked 0%; held
    # out: 71.7%, 87.2%, 79.0%, 1.4%, 0%).
    BLIND_G.name: {
        "top1": 0.82,
        "top3": 0.91,
        "danger_recall": 0.99,
        "false_alarm_rate": 0.02,
        "asked_harmless_rate": 0.01,
    },
    # Studied before I (now top-1 80.6%, top-3 87.7%, recall 97.2%, false alarms 2.3%, asked 1.9%;
    # held out: 74.9%, 85.5%, 86.1%, 2.3%, 1.9%).
    BLIND_H.name: {
        "top1": 0.79,
        "top3": 0.87,
        "danger_recall": 0.96,
        "false_alarm_rate": 0.03,
        "asked_harmless_rate": 0.025,
    },
    # Studied before J (now top-1 81.7%, top-3 93.2%, recall 100%, false alarms 0.6%, asked 1.3%;
    # held out: 78.3%, 90.2%, 92.5%, 4.5%, 1.3%).
    BLIND_I.name: {
        "top1": 0.81,
        "top3": 0.92,
        "danger_recall": 0.99,
        "false_alarm_rate": 0.015,
        "asked_harmless_rate": 0.025,
    },
    # Studied before K (2026-12-07: top-1 82.7%, top-3 93.3%, recall 100%, false alarms 1.0%, asked 0.7%;
    # held out: 77.8%, 89.8%, 85.2%, 5.6%, 1.4%).
    BLIND_J.name: {
        "top1": 0.81,
        "top3": 0.92,
        "danger_recall": 0.99,
        "false_alarm_rate": 0.015,
        "asked_harmless_rate": 0.01,
    },
    # Studied before L (2026-12-07: see K_FIGURES below; held out: 79.6%, 90.7%, 94.4%, 1.0%, 2.0%).
    BLIND_K.name: K_FIGURES,
    # Studied before M (2026-12-08: top-1 67.6%, top-3 82.2%, recall 100%, false alarms 2.3%, asked 0.7%;
    # held out: 62.2%, 77.8%, 91.7%, 8.8%, 0.7%). A third of its misses are its writer's labels:
    # registration questions under the register of controlled persons, sending money home under
    # "the money stopped coming" (scripts/eval_search.py lists them with --misses).
    BLIND_L.name: {
        "top1": 0.66,
        "top3": 0.80,
        "danger_recall": 0.99,
        "false_alarm_rate": 0.03,
        "asked_harmless_rate": 0.01,
    },
    # Studied last (2026-12-08: see the figures in the commit that retired it; held out: 74.2%, 88.0%,
    # 95.8%, 5.9%, 1.3%). Its one danger message left is disputable: a brother in hospital abroad
    # whose operation must be paid now (a need for money and the consulate, not danger to life).
    BLIND_M.name: {
        "top1": 0.75,
        "top3": 0.87,
        "danger_recall": 0.98,
        "false_alarm_rate": 0.02,
        "asked_harmless_rate": 0.02,
    },
}


@pytest.fixture(scope="module")
def built() -> tuple[NodeSearch, Curriculum]:
    """One index for the whole module: building it costs more than evaluating a set."""
    return build()


def figures(built: tuple[NodeSearch, Curriculum], name: str) -> dict[str, object]:
    """One set's figures, evaluated by the one test that asserts them: each set once per run, in
    whichever worker runs its test (a module-wide result would be evaluated again in every worker)."""
    search, curriculum = built
    (path,) = [path for path in TUNING_SETS if path.name == name]
    return evaluate(load_questions(path), search, curriculum)[0].as_dict()


def test_the_sets_are_what_the_figures_are_measured_on() -> None:
    own = load_questions(EVAL_SET)
    assert len(own) >= 80 and {q.language for q in own} == {"tg", "ru", "uz", "en"}
    for path in (*TUNING_SETS[1:], *heldout_sets()):
        blind = load_questions(path)
        cells = {q.cell for q in blind}
        assert len(cells) == 9 and all(sum(q.cell == cell for q in blind) >= 15 for cell in cells)
        assert sum(q.danger for q in blind) >= len(blind) // 4
    # No held-out set between a set's retiring and the next one's arrival: the lead adds the next,
    # written blind, after merging the round that studied the last.


@pytest.mark.parametrize("name", list(FLOORS))
def test_the_tuning_sets_keep_their_figures(built: tuple[NodeSearch, Curriculum], name: str) -> None:
    measured = figures(built, name)
    for figure, floor in FLOORS[name].items():
        value = measured[figure]
        assert isinstance(value, float)
        assert (value <= floor) if figure.endswith("rate") else (value >= floor), (figure, measured)


def test_every_topic_of_the_blind_sets_names_screens_that_exist(built: tuple[NodeSearch, Curriculum]) -> None:
    _, curriculum = built
    screens = {
        screen for path in (*TUNING_SETS[1:], *heldout_sets()) for q in load_questions(path) for screen in q.expect
    }
    assert all(curriculum.has(NodeId(*screen.split("/"))) for screen in screens)


def test_the_evaluation_script_runs_end_to_end_at_small_size(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "scripts/eval_search.py", "--limit", "3", "--json"],
        cwd=PROJECT, env=environment(tmp_path), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert {name.split(": ")[0] for name in figures} == {"tuning"} | ({"heldout"} if heldout_sets() else set())
    for values in figures.values():
        assert values["questions"] == 3
        assert set(values) >= {
            "top1_by_cell",
            "top3_by_cell",
            "danger_recall",
            "false_alarm_rate",
            "asked_harmless_rate",
        }
