"""Measures typed-question search on tests/data/search_eval.yaml, without Telegram.

    python scripts/eval_search.py [--part tuning|heldout|all] [--limit N] [--misses] [--json]

Reports, for the tuning part and the held-out part separately: top-1 and top-3 hit rates per
language; danger recall at rank 1 (a danger question answered with hotlines + the red-flag check
first); the false-alarm rate (ordinary questions answered with the alarm); the country read from
danger questions that name one; and lesson-level regressions against the search before issue 21
(tests/data/search_eval_baseline.json: its top-1 lesson per question, recorded once). For
danger questions it also reports how often the first screen search ranks besides the alarm is
one that would help (danger_first_other_screen_top1).

A hit: a danger question flagged as danger counts at rank 1 when the screens the alarm opens
(the hotlines screen, the red-flag check) are among the screens that would help; otherwise the
screens search ranks are compared with them. `--misses` lists misses of the tuning part only:
held-out questions are for checking, not tuning.
"""

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.common.languages import LANGUAGES  # noqa: E402
from bot.content import Curriculum, load_curriculum  # noqa: E402
from bot.services.danger_view import danger_view  # noqa: E402
from bot.understanding.search import NodeSearch  # noqa: E402

EVAL_SET = ROOT / "tests" / "data" / "search_eval.yaml"
BASELINE = ROOT / "tests" / "data" / "search_eval_baseline.json"
PARTS = ("tuning", "heldout")


@dataclass
class Question:
    id: str
    lang: str
    q: str
    expect: list[str]
    danger: bool = False
    country: str | None = None
    heldout: bool = False

    @property
    def part(self) -> str:
        return "heldout" if self.heldout else "tuning"


@dataclass
class Outcome:
    question: Question
    shown: list[str]
    found: list[str]
    flagged: bool
    country: str | None
    lesson: str | None
    miss_reason: str = ""


@dataclass
class PartReport:
    questions: int = 0
    top1: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    top3: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    danger_found: list[bool] = field(default_factory=list)
    false_alarms: list[bool] = field(default_factory=list)
    countries: list[bool] = field(default_factory=list)
    danger_screen: list[bool] = field(default_factory=list)
    """Danger questions whose first screen besides the alarm is one that would help."""
    regressions: list[str] = field(default_factory=list)
    baseline_right: int = 0

    def as_dict(self) -> dict[str, Any]:
        def rate(values: list[bool]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        every1 = [hit for hits in self.top1.values() for hit in hits]
        every3 = [hit for hits in self.top3.values() for hit in hits]
        return {
            "questions": self.questions,
            "top1": rate(every1),
            "top3": rate(every3),
            "top1_by_language": {lang: rate(self.top1[lang]) for lang in LANGUAGES if self.top1[lang]},
            "top3_by_language": {lang: rate(self.top3[lang]) for lang in LANGUAGES if self.top3[lang]},
            "danger_questions": len(self.danger_found),
            "danger_recall_at_1": rate(self.danger_found),
            "ordinary_questions": len(self.false_alarms),
            "false_alarm_rate": rate(self.false_alarms),
            "country_named": rate(self.countries),
            "danger_first_other_screen_top1": rate(self.danger_screen),
            "baseline_lesson_right": self.baseline_right,
            "lesson_regressions": self.regressions,
        }


def load_questions(path: Path = EVAL_SET) -> list[Question]:
    return [Question(**entry) for entry in YAML(typ="safe").load(path.read_text(encoding="utf-8"))["questions"]]


def ask(search: NodeSearch, curriculum: Curriculum, question: Question) -> Outcome:
    answer = search.find(question.q, question.lang)
    found = [str(node) for node in answer.nodes]
    shown = found
    if answer.is_danger:
        alarm = [str(node) for node in danger_view(curriculum, answer.country).screens()]
        shown = alarm + [node for node in found if node not in alarm]
    lesson = found[0].split("/")[0] if found else None
    return Outcome(question, shown, found, answer.is_danger, answer.country, lesson)


def is_hit(outcome: Outcome, rank: int) -> bool:
    expected = set(outcome.question.expect)
    if outcome.flagged and rank == 1:
        # The alarm shows the hotlines screen and the red-flag check together, first.
        return bool(expected & set(outcome.shown[:2])) or bool(outcome.shown[2:3] and outcome.shown[2] in expected)
    return bool(expected & set(outcome.shown[: rank + (2 if outcome.flagged else 0)]))


def evaluate(questions: list[Question], baseline: dict[str, str | None]) -> tuple[dict[str, PartReport], list[Outcome]]:
    curriculum = load_curriculum(today=date.today())  # a check run now: contacts aged against today
    search = NodeSearch(curriculum)
    reports = {part: PartReport() for part in PARTS}
    outcomes = []
    for question in questions:
        outcome = ask(search, curriculum, question)
        outcomes.append(outcome)
        report = reports[question.part]
        report.questions += 1
        report.top1[question.lang].append(is_hit(outcome, 1))
        report.top3[question.lang].append(is_hit(outcome, 3))
        if question.danger:
            report.danger_found.append(outcome.flagged)
            report.danger_screen.append(bool(outcome.found) and outcome.found[0] in question.expect)
            if question.country:
                report.countries.append(outcome.country == question.country)
        else:
            report.false_alarms.append(outcome.flagged)
        expected_lessons = {node.split("/")[0] for node in question.expect}
        if baseline.get(question.id) in expected_lessons:
            report.baseline_right += 1
            new_lessons = {node.split("/")[0] for node in outcome.shown[:1]}
            if outcome.lesson not in expected_lessons and not (new_lessons & expected_lessons):
                report.regressions.append(question.id)
    return reports, outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions (a quick run)")
    parser.add_argument("--set", type=Path, default=EVAL_SET, help="the evaluation set (YAML)")
    parser.add_argument("--misses", action="store_true", help="list the tuning part's misses")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    questions = load_questions(args.set)
    if args.limit:
        questions = questions[: args.limit]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))["top_lesson"]
    reports, outcomes = evaluate(questions, baseline)
    parts = PARTS if args.part == "all" else (args.part,)
    figures = {part: reports[part].as_dict() for part in parts}
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        for part in parts:
            print(f"== {part}")
            for name, value in figures[part].items():
                print(f"  {name}: {value}")
    if args.misses:
        for outcome in outcomes:
            q = outcome.question
            if q.heldout:
                continue
            wrong_alarm = outcome.flagged != q.danger
            if wrong_alarm or not is_hit(outcome, 1):
                print(
                    f"MISS {q.id} [{q.lang}] {q.q!r} danger={q.danger}/{outcome.flagged} "
                    f"country={q.country}/{outcome.country} expect={q.expect} shown={outcome.shown[:4]}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
