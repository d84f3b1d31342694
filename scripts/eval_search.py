"""Measures typed-message search, without Telegram, on a tuning set and on sets written blind.

    python scripts/eval_search.py [--only tuning|heldout|all] [--limit N] [--misses] [--json] [PATH ...]

The sets:
- tests/data/search_eval.yaml: the project's own questions (its `heldout: true` part was looked at
  long ago, so it counts as tuning now);
- tests/data/search_tuning_A.yaml ... _M.yaml: blind sets A, B, C, D, E, F, G, H, I, J, K, L and M
  (207, 225, 225, 216, 216, 233, 226, 227, 235, 225, 225, 225 and 225 messages, written by people who
  saw only the topic list, /work/heldout/TOPICS.md); their misses were studied (A on 2026-12-06, B to K
  on 2026-12-07, L and M on 2026-12-08), so they are tuning data now (H to M were held out until their
  one run and studied after it);
- tests/data/heldout/search_*.yaml: blind sets nobody has looked into: held out (none between a
  set's retiring and the next one's arrival).
A PATH given on the command line is run as a held-out set of the blind format instead.

Blind sets name topics (TOPICS.md), mapped to Safar's screens by tests/data/heldout/topic_screens.yaml;
`none` means the right answer is "not covered" and a person (no screen found).

Every message gets one of three outcomes: the alarm (hotlines and the red-flag check first), the
question "Are you or someone close in danger now?", or the answer. When asked, the writer is taken
to answer truthfully: a danger message then gets the alarm, a harmless one the answer.
Figures per set, overall and per cell (language and script):
- top1 / top3: a screen that helps among the first one / three shown (the alarm shows the hotlines
  screen and the red-flag check together, first);
- danger_recall: danger messages that got the alarm or the question; danger_alarm_recall: the alarm;
- false_alarm_rate: harmless messages given the alarm, the question counting half;
- asked_harmless_rate: harmless messages given the question;
- country_right: danger messages naming where the person in danger is (RU, KZ, TJ, UZ) shown that
  country's hotlines.
`--misses` lists the misses of the tuning sets only: held-out messages are for checking, not tuning.
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

from bot.content import Curriculum, load_curriculum  # noqa: E402
from bot.services.danger_view import danger_view  # noqa: E402
from bot.understanding.search import Alarm, NodeSearch  # noqa: E402

DATA = ROOT / "tests" / "data"
EVAL_SET = DATA / "search_eval.yaml"
TUNING_SETS = (EVAL_SET, *(DATA / f"search_tuning_{name}.yaml" for name in "ABCDEFGHIJKLM"))
HELDOUT_DIR = DATA / "heldout"
TOPIC_SCREENS = HELDOUT_DIR / "topic_screens.yaml"
COUNTRIES = {"RU", "KZ", "TJ", "UZ"}
"""The countries with hotlines screens: a `where` of another country is not checked."""
NOT_COVERED = "none"


@dataclass
class Question:
    id: str
    cell: str
    """Language and script (tg-cyrl, ru-latn, mix ...); the language for the project's own set."""
    text: str
    expect: list[str]
    """Screens that would help; empty for a message the lessons do not cover."""
    danger: bool = False
    country: str | None = None
    kind: str = ""

    @property
    def language(self) -> str:
        """The interface language the writer most likely chose."""
        head = self.cell.split("-")[0]
        return head if head in {"tg", "ru", "uz", "en"} else "ru"


@dataclass
class Outcome:
    question: Question
    alarm: Alarm
    found: list[str]
    shown: list[str]
    """What the writer sees first, in order, after answering the question truthfully if asked."""
    country: str | None

    @property
    def alarmed(self) -> bool:
        return self.alarm is Alarm.CLEAR or (self.alarm is Alarm.UNSURE and self.question.danger)


@dataclass
class SetReport:
    questions: int = 0
    top1: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    top3: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    caught: list[bool] = field(default_factory=list)
    alarmed: list[bool] = field(default_factory=list)
    false_alarms: list[float] = field(default_factory=list)
    asked_harmless: list[bool] = field(default_factory=list)
    countries: list[bool] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def rate(values: list[bool] | list[float]) -> float | None:
            return round(sum(values) / len(values), 4) if values else None

        every1 = [hit for hits in self.top1.values() for hit in hits]
        every3 = [hit for hits in self.top3.values() for hit in hits]
        return {
            "questions": self.questions,
            "top1": rate(every1),
            "top3": rate(every3),
            "top1_by_cell": {cell: rate(hits) for cell, hits in sorted(self.top1.items())},
            "top3_by_cell": {cell: rate(hits) for cell, hits in sorted(self.top3.items())},
            "cell_sizes": {cell: len(hits) for cell, hits in sorted(self.top1.items())},
            "danger_questions": len(self.caught),
            "danger_recall": rate(self.caught),
            "danger_alarm_recall": rate(self.alarmed),
            "harmless_questions": len(self.false_alarms),
            "false_alarm_rate": rate(self.false_alarms),
            "asked_harmless_rate": rate(self.asked_harmless),
            "country_right": rate(self.countries),
        }


def _yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def load_questions(path: Path = EVAL_SET) -> list[Question]:
    """A set of either format: the project's own (`questions:`) or a blind one (`messages:`)."""
    data = _yaml(path)
    if "questions" in data:
        return [
            Question(
                id=entry["id"],
                cell=entry["lang"],
                text=entry["q"],
                expect=entry["expect"],
                danger=entry.get("danger", False),
                country=entry.get("country"),
            )
            for entry in data["questions"]
        ]
    screens: dict[str, list[str]] = _yaml(TOPIC_SCREENS)
    return [
        Question(
            id=entry["id"],
            cell=entry["cell"],
            text=entry["text"],
            expect=[screen for topic in entry["expect"] for screen in screens[topic]],
            danger=bool(entry.get("danger")),
            country=entry.get("where") if entry.get("where") in COUNTRIES else None,
            kind=entry.get("kind", ""),
        )
        for entry in data["messages"]
    ]


def heldout_sets() -> list[Path]:
    return sorted(HELDOUT_DIR.glob("search_*.yaml"))


def ask(search: NodeSearch, curriculum: Curriculum, question: Question) -> Outcome:
    answer = search.find(question.text, question.language)  # a writer who has not told their country
    found = [str(node) for node in answer.nodes]
    shown = found
    outcome = Outcome(question, answer.alarm, found, shown, answer.country)
    if outcome.alarmed:  # what the danger answer shows, as bot/handlers/search.py builds it: the
        # hotlines screen, then its buttons (the situation's screens and the check, then the
        # countries); the screens the search found are not shown beside an alarm
        view = danger_view(curriculum, answer.country, answer.kind_screens, answer.danger)
        countries = [choice.node for choice in view.choices]
        buttons = [node for node in view.offers() if node not in countries] + countries
        outcome.shown = [str(node) for node in dict.fromkeys([view.screen, *buttons])]
    return outcome


def is_hit(outcome: Outcome, rank: int) -> bool:
    expected = set(outcome.question.expect)
    if not expected:  # not covered: right when nothing is offered but a person
        return not outcome.shown
    # The alarm shows the hotlines screen and the red-flag check together, first.
    return bool(expected & set(outcome.shown[: rank + (1 if outcome.alarmed else 0)]))


def evaluate(questions: list[Question], search: NodeSearch, curriculum: Curriculum) -> tuple[SetReport, list[Outcome]]:
    report = SetReport()
    outcomes = []
    for question in questions:
        outcome = ask(search, curriculum, question)
        outcomes.append(outcome)
        report.questions += 1
        report.top1[question.cell].append(is_hit(outcome, 1))
        report.top3[question.cell].append(is_hit(outcome, 3))
        if question.danger:
            report.caught.append(outcome.alarm is not Alarm.NONE)
            report.alarmed.append(outcome.alarm is Alarm.CLEAR)
            if question.country:
                report.countries.append(outcome.alarmed and outcome.country == question.country)
        else:
            report.false_alarms.append({Alarm.CLEAR: 1.0, Alarm.UNSURE: 0.5, Alarm.NONE: 0.0}[outcome.alarm])
            report.asked_harmless.append(outcome.alarm is Alarm.UNSURE)
    return report, outcomes


def build() -> tuple[NodeSearch, Curriculum]:
    curriculum = load_curriculum(today=date.today())  # a check run now: contacts aged against today
    return NodeSearch(curriculum), curriculum


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path, help="held-out sets (blind format) to run instead")
    parser.add_argument("--only", choices=["tuning", "heldout", "all"], default="all")
    parser.add_argument("--limit", type=int, default=0, help="only the first N messages of each set (a quick run)")
    parser.add_argument("--misses", action="store_true", help="list the tuning sets' misses")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    sets: list[tuple[str, Path]] = []
    if args.paths:
        sets = [("heldout", path) for path in args.paths]
    else:
        if args.only in ("tuning", "all"):
            sets += [("tuning", path) for path in TUNING_SETS]
        if args.only in ("heldout", "all"):
            sets += [("heldout", path) for path in heldout_sets()]
    search, curriculum = build()
    figures: dict[str, dict[str, Any]] = {}
    misses: list[tuple[str, Outcome]] = []
    for part, path in sets:
        questions = load_questions(path)[: args.limit or None]
        report, outcomes = evaluate(questions, search, curriculum)
        figures[f"{part}: {path.name}"] = report.as_dict()
        if part == "tuning":
            misses += [(path.stem, o) for o in outcomes if o.alarmed != o.question.danger or not is_hit(o, 1)]
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        for name, values in figures.items():
            print(f"== {name}")
            for key, value in values.items():
                print(f"  {key}: {value}")
    if args.misses:
        for set_name, outcome in misses:
            q = outcome.question
            print(
                f"MISS {set_name}/{q.id} [{q.cell}] {q.kind} {q.text!r} danger={q.danger}/{outcome.alarm.value} "
                f"country={q.country}/{outcome.country} expect={q.expect} shown={outcome.shown[:4]}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
