"""Benchmark of the agency check: look-ups in a registry of 50,000 agencies, and grouping a new
offer report among 5,000 agency names already reported.

Reports median and p99 time per look-up for typed names (exact, other script, typo, legal form
added, unknown) and the index's memory, each beside a baseline measured in the same process: an
exact dictionary look-up of the normalised name (what a search without typo tolerance would cost).
Grouping is measured beside the difflib loop it replaced (kept here as the baseline).

    .venv/bin/python scripts/bench_agency.py [--agencies 50000] [--queries 2000] [--reported 5000]
"""

import argparse
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from difflib import SequenceMatcher

from bot.content.agencies import Agency, Registry
from bot.services.agency_search import MIN_SIMILARITY, PARTIAL_WEIGHT, AgencyIndex, agency_key, most_similar

LATIN = [
    "safar",
    "baraka",
    "mehnat",
    "nur",
    "oson",
    "rohi",
    "sitora",
    "kor",
    "khub",
    "vatan",
    "sarvat",
    "zar",
    "dust",
    "omad",
    "bakht",
    "umed",
    "navruz",
    "pamir",
    "sughd",
    "khatlon",
    "somon",
    "orzu",
    "iqbol",
    "ravshan",
]
CYRILLIC = [
    "сафар",
    "барака",
    "меҳнат",
    "нур",
    "осон",
    "роҳи",
    "ситора",
    "кор",
    "хуб",
    "ватан",
    "сарват",
    "зар",
    "дӯст",
    "омад",
    "бахт",
    "умед",
    "наврӯз",
    "помир",
    "суғд",
    "хатлон",
    "сомон",
    "орзу",
    "иқбол",
    "равшан",
]
SUFFIXES = ["trans", "servis", "group", "plus", "invest", "global", "star", "work", "line", "kadr"]  # fmt: skip


def make_registry(size: int, rng: random.Random) -> Registry:
    agencies = []
    for number in range(size):
        first, second = rng.randrange(len(LATIN)), rng.randrange(len(LATIN))
        suffix = rng.choice(SUFFIXES)
        tag = f"{number:05d}"
        latin = f"{LATIN[first].title()} {LATIN[second].title()} {suffix.title()} {tag}"
        cyrillic = f"ООО «{CYRILLIC[first].title()} {CYRILLIC[second].title()} {suffix} {tag}»"
        agencies.append(Agency(licence=f"L{number:06d}", names=[latin, cyrillic], valid_until=date(2030, 1, 1)))
    return Registry(source="synthetic benchmark data", list_taken=date(2026, 1, 1), agencies=agencies)


def typo(text: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(text) - 1)
    return text[:position] + text[position + 1 :]


def queries(registry: Registry, count: int, rng: random.Random) -> list[str]:
    typed = []
    for _ in range(count):
        agency = rng.choice(registry.agencies)
        latin, cyrillic = agency.names
        kind = rng.randrange(5)
        typed.append(
            [latin, cyrillic.lower(), typo(latin, rng), f"LLC {latin}", f"Unknown Agency {rng.randrange(10**6)}"][kind]
        )
    return typed


def timings(look_up: Callable[[str], object], typed: list[str]) -> list[float]:
    result = []
    for text in typed:
        began = time.perf_counter()
        look_up(text)
        result.append(time.perf_counter() - began)
    return result


def p99(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.99) - 1]


def difflib_most_similar(key: str, known_keys: list[str]) -> str | None:
    """The grouping Safar used before rapidfuzz: difflib over every reported name, in Python."""

    def similarity(typed: str, registered: str) -> float:
        whole = SequenceMatcher(None, typed, registered).ratio()
        if len(typed) >= 4 and len(registered) > len(typed):
            return max(whole, SequenceMatcher(None, typed, registered[: len(typed)]).ratio() * PARTIAL_WEIGHT)
        return whole

    best = max(((similarity(key, known), known) for known in known_keys), default=(0.0, key))
    return best[1] if best[0] >= MIN_SIMILARITY else None


def bench_grouping(reported: int, reports: int, rng: random.Random) -> None:
    """A new report is grouped among `reported` names staff already have: difflib vs rapidfuzz."""
    registry = make_registry(reported, rng)
    known = [agency_key(rng.choice(agency.names)) for agency in registry.agencies]
    typed = [agency_key(text) for text in queries(registry, reports, rng)]
    before = timings(lambda key: difflib_most_similar(key, known), typed)
    after = timings(lambda key: most_similar(key, known), typed)
    same = sum(difflib_most_similar(key, known) == most_similar(key, known) for key in typed)
    print(f"grouping a report among {reported:,} reported names; {len(typed):,} reports")
    for label, values in (("difflib (before)", before), ("rapidfuzz (after)", after)):
        print(f"{label:>20}: median {statistics.median(values) * 1e3:.2f} ms, p99 {p99(values) * 1e3:.2f} ms")
    print(
        f"ratio (difflib / rapidfuzz): median ×{statistics.median(before) / statistics.median(after):.0f}, "
        f"p99 ×{p99(before) / p99(after):.0f}; same group chosen for {same / len(typed):.0%} of reports"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agencies", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--reported", type=int, default=5_000, help="agency names already reported")
    parser.add_argument("--reports", type=int, default=50, help="new reports grouped among them")
    arguments = parser.parse_args()
    rng = random.Random(20261122)
    registry = make_registry(arguments.agencies, rng)
    typed = queries(registry, arguments.queries, rng)

    tracemalloc.start()
    baseline_index = {agency_key(name): agency for agency in registry.agencies for name in agency.names}
    baseline_memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracemalloc.start()
    index = AgencyIndex(registry)
    index_memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    baseline = timings(lambda text: baseline_index.get(agency_key(text)), typed)
    measured = timings(index.find, typed)
    found = sum(1 for text in typed if index.find(text))
    print(f"registry: {arguments.agencies:,} agencies ({2 * arguments.agencies:,} names); {len(typed):,} look-ups")
    print(f"found: {found / len(typed):.0%} (about 80% of the queries name a registered agency)")
    for label, values in (("exact-dict baseline", baseline), ("AgencyIndex.find", measured)):
        print(f"{label:>20}: median {statistics.median(values) * 1e3:.3f} ms, p99 {p99(values) * 1e3:.3f} ms")
    print(
        f"ratio (index / baseline): median ×{statistics.median(measured) / statistics.median(baseline):.0f}, "
        f"p99 ×{p99(measured) / p99(baseline):.0f}"
    )
    print(
        f"memory: index {index_memory / 2**20:.1f} MiB, baseline dict {baseline_memory / 2**20:.1f} MiB "
        f"(×{index_memory / baseline_memory:.1f})"
    )
    print(f"goal p99 < 20 ms: {'met' if p99(measured) < 0.020 else 'NOT met'}")
    bench_grouping(arguments.reported, arguments.reports, rng)


if __name__ == "__main__":
    main()
