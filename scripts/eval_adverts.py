"""How well the advert check finds red flags, on sets of adverts with their expected flags.

    python scripts/eval_adverts.py                 # every set: tuning sets with their misses, held-out sets' figures
    python scripts/eval_adverts.py tests/data/adverts_A.yaml           # one set, figures and every miss
    python scripts/eval_adverts.py --sealed /work/heldout/adverts_X.yaml  # one set, figures only
    python scripts/eval_adverts.py --limit 2       # the first 2 adverts of each set: a quick run

The sets, each written blind by someone who saw only the list of flags (never the rules):
- tests/data/adverts_A.yaml to adverts_N.yaml: their misses were studied and the rules tuned on
  them, so they are tuning data now (figures on them say little about new adverts);
- tests/data/heldout/adverts_*.yaml: held out, run once after the last rule change; their
  adverts and misses are never printed.

Figures (the issue's goals): flag recall (expected flags found / expected flags, goal ≥ 90%);
adverts with a false flag (a flag found that the set does not expect, goal ≤ 10%); ordinary
adverts called dangerous (a serious flag found in an advert the set marks `dangerous: false`,
goal 0); and, the other way, dangerous adverts called so (a judgement flag alone in a named
employer's written contract is a warning, so a dangerous advert could lose its "do not go").
"""

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.loader import PACKAGED_CONTENT, load_advert_flags  # noqa: E402
from bot.understanding.advert_reading import AdvertReader  # noqa: E402

DATA = ROOT / "tests" / "data"
TUNING_SETS = tuple(DATA / f"adverts_{name}.yaml" for name in "ABCDEFGHIJKLMN")
"""Blind sets whose misses were studied: tuning data now (C and D were held out until 2026-12-07,
E, F, G, H, I, J and K until their one run that day, L until its run on 2026-12-07, M and N until their runs
on 2026-12-08; each was studied in the round after)."""
HELDOUT_DIR = DATA / "heldout"


def heldout_sets() -> list[Path]:
    """Blind sets nobody has looked into."""
    return sorted(HELDOUT_DIR.glob("adverts_*.yaml"))


@dataclass
class Figures:
    expected: int = 0
    found: int = 0
    adverts: int = 0
    with_false_flag: int = 0
    ordinary: int = 0
    ordinary_called_dangerous: int = 0
    dangerous: int = 0
    dangerous_called_dangerous: int = 0
    missed: Counter[str] = field(default_factory=Counter)
    false: Counter[str] = field(default_factory=Counter)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def false_share(self) -> float:
        return self.with_false_flag / self.adverts if self.adverts else 0.0

    def line(self, name: str) -> str:
        return (
            f"{name:<10} adverts {self.adverts:>3}  recall {self.recall:6.1%} ({self.found}/{self.expected})  "
            f"false flags {self.false_share:6.1%} ({self.with_false_flag})  "
            f"ordinary called dangerous {self.ordinary_called_dangerous}/{self.ordinary}  "
            f"dangerous called so {self.dangerous_called_dangerous}/{self.dangerous}"
        )


def evaluate(adverts: list[dict[str, object]], reader: AdvertReader, *, show_misses: bool) -> dict[str, Figures]:
    by_cell: dict[str, Figures] = defaultdict(Figures)
    for advert in adverts:
        reading = reader.read(str(advert["text"]))
        expected = set(advert.get("flags") or [])  # type: ignore[call-overload]
        found = set(reading.flags)
        for figures in (by_cell["all"], by_cell[str(advert.get("cell", "?"))]):
            figures.adverts += 1
            figures.expected += len(expected)
            figures.found += len(expected & found)
            figures.with_false_flag += bool(found - expected)
            figures.missed.update(expected - found)
            figures.false.update(found - expected)
            if not advert.get("dangerous"):
                figures.ordinary += 1
                figures.ordinary_called_dangerous += reading.serious
            else:
                figures.dangerous += 1
                figures.dangerous_called_dangerous += reading.serious
        if show_misses and expected != found:
            print(f"{advert['id']}: missed {sorted(expected - found)} false {sorted(found - expected)}")
    return by_cell


def load_adverts(path: Path) -> list[dict[str, object]]:
    adverts: list[dict[str, object]] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["adverts"]
    return adverts


def report(name: str, path: Path, reader: AdvertReader, *, sealed: bool, limit: int = 0) -> None:
    print(f"== {name}: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    by_cell = evaluate(load_adverts(path)[: limit or None], reader, show_misses=not sealed)
    for cell in ["all", *sorted(cell for cell in by_cell if cell != "all")]:
        print(by_cell[cell].line(cell))
    if not sealed:
        print("missed by flag:", dict(by_cell["all"].missed.most_common()))
        print("false by flag:", dict(by_cell["all"].false.most_common()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", type=Path, nargs="?", help="one set to run instead of every set")
    parser.add_argument("--sealed", action="store_true", help="print figures only, never an advert or a miss")
    parser.add_argument("--limit", type=int, default=0, help="only the first N adverts of each set (a quick run)")
    args = parser.parse_args(argv)
    reader = AdvertReader(load_advert_flags(PACKAGED_CONTENT))
    if args.set is not None:
        report("sealed" if args.sealed else "set", args.set, reader, sealed=args.sealed, limit=args.limit)
        return 0
    for path in TUNING_SETS:
        report("tuning (studied)", path, reader, sealed=False, limit=args.limit)
    for path in heldout_sets():
        report("held out (never studied)", path, reader, sealed=True, limit=args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
