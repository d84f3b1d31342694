"""What reading danger as situations costs a typed message, as a ratio in one process.

    python scripts/bench_search.py [--rounds N]

Every message of the tuning sets (scripts/eval_search.py) is searched by two indexes of the same
content: one with the danger file's families and situations, one with them left out (the phrases
alone, as before they were written). Rounds alternate between the two so a loaded machine slows
both alike; the figure to read is the ratio, not the milliseconds.
"""

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding.search import NodeSearch  # noqa: E402
from scripts.eval_search import TUNING_SETS, build, load_questions  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    search, curriculum = build()
    phrases_only = curriculum.danger_signals.model_copy(
        update={"families": {}, "situations": {}, "doubtful_situations": {}}
    )
    baseline = NodeSearch(replace(curriculum, danger_signals=phrases_only))
    messages = [(q.text, q.language) for path in TUNING_SETS for q in load_questions(path)]
    spent = {"situations": 0.0, "phrases only": 0.0}
    for _ in range(args.rounds):
        for name, index in (("phrases only", baseline), ("situations", search)):
            started = time.perf_counter()
            for text, language in messages:
                index.find(text, language)
            spent[name] += time.perf_counter() - started
    per_message = {name: 1000 * seconds / (args.rounds * len(messages)) for name, seconds in spent.items()}
    for name, ms in per_message.items():
        print(f"{name}: {ms:.2f} ms a message ({len(messages)} messages, {args.rounds} rounds)")
    print(f"ratio situations / phrases only: {per_message['situations'] / per_message['phrases only']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
