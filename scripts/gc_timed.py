"""Runs a bot with its garbage collections timed, for the load benchmark (scripts/bench_load.py).

    GC_TIMES=FILE python scripts/gc_timed.py -m bot
    GC_TIMES=FILE python scripts/gc_timed.py scripts/baseline_bot.py

The bot runs as `python -m bot` (or as the script) would, with a `gc.callbacks` hook that adds up,
per generation, the collections, the CPU time they took (`time.thread_time`, so a neighbour's
share of the core does not count) and the objects they found to be garbage. A thread writes the
sums to FILE as one line of JSON every POLL_SECONDS, so the benchmark reads them at each phase of
its load without stopping the bot.
"""

import gc
import json
import os
import runpy
import sys
import threading
import time
from pathlib import Path

POLL_SECONDS = 0.1


class CollectionTimes:
    """Per generation: [collections, CPU seconds, objects collected], and the longest collection."""

    def __init__(self) -> None:
        self.generations = [[0, 0.0, 0] for _ in range(3)]
        self.longest = 0.0
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.thread_time()
            return
        took = time.thread_time() - self._began
        counts = self.generations[info["generation"]]
        counts[0] += 1
        counts[1] += took
        counts[2] += info["collected"]
        self.longest = max(self.longest, took)

    def as_json(self) -> str:
        return json.dumps({"generations": self.generations, "longest": self.longest, "threshold": gc.get_threshold()})


def _write_every(times: CollectionTimes, path: Path) -> None:
    while True:
        partial = path.with_suffix(".partial")
        partial.write_text(times.as_json())
        partial.replace(path)  # the reader never sees half a line
        time.sleep(POLL_SECONDS)


def main() -> None:
    times = CollectionTimes()
    gc.callbacks.append(times)
    threading.Thread(target=_write_every, args=(times, Path(os.environ["GC_TIMES"])), daemon=True).start()
    if sys.argv[1] == "-m":
        sys.argv = [sys.argv[2], *sys.argv[3:]]
        runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = sys.argv[1:]
        runpy.run_path(sys.argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
