"""How well the advert check finds red flags, on a set of adverts with their expected flags.

    python scripts/eval_adverts.py tests/data/adverts_A.yaml           # figures and every miss
    python scripts/eval_adverts.py --sealed /work/heldout/adverts_B.yaml  # figures only

Figures (the issue's goals): flag recall (expected flags found / expected flags, goal ≥ 90%);
adverts with a false flag (a flag found that the set does not expect, goal ≤ 10%); ordinary
adverts called dangerous (a serious flag found in an advert the set marks `dangerous: false`,
goal 0). With --sealed no advert and no miss is printed: a held-out set stays unread.
"""

import argparse
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.content.loader import PACKAGED_CONTENT, load_advert_flags
from bot.understanding.advert_reading import AdvertReader


@dataclass
class Figures:
    expected: int = 0
    found: int = 0
    adverts: int = 0
    with_false_flag: int = 0
    ordinary: int = 0
    ordinary_called_dangerous: int = 0
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
            f"ordinary called dangerous {self.ordinary_called_dangerous}/{self.ordinary}"
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
        if show_misses and expected != found:
            print(f"{advert['id']}: missed {sorted(expected - found)} false {sorted(found - expected)}")
    return by_cell


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set", type=Path)
    parser.add_argument("--sealed", action="store_true", help="print figures only, never an advert or a miss")
    args = parser.parse_args()
    adverts = YAML(typ="safe").load(args.set.read_text(encoding="utf-8"))["adverts"]
    reader = AdvertReader(load_advert_flags(PACKAGED_CONTENT))
    by_cell = evaluate(adverts, reader, show_misses=not args.sealed)
    for name in ["all", *sorted(cell for cell in by_cell if cell != "all")]:
        print(by_cell[name].line(name))
    if not args.sealed:
        print("missed by flag:", dict(by_cell["all"].missed.most_common()))
        print("false by flag:", dict(by_cell["all"].false.most_common()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
