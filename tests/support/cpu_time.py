"""Where the suite's CPU goes: `SAFAR_TEST_CPU_TIMES=FILE .venv/bin/pytest` loads this plugin
(tests/conftest.py), which writes one JSON line per test to FILE (each xdist worker appends its own).

Wall time on a shared machine says more about the neighbours than about a test, so each test is
charged the CPU-seconds its worker spent between the start of its set-up and the end of its
teardown, together with every process below the worker: the zygote and the bots it forks, servers,
browsers. A process still running is read from /proc (its own time and that of the children it has
reaped); one that ended and was reaped by the worker shows in the worker's RUSAGE_CHILDREN.
Processes that died without being waited for by one of these are lost (a test may then show a
little less, even a negative figure). Collection and worker start-up are not in any test: compare
with `/usr/bin/time` around the whole run. Read the file with
`.venv/bin/python -m tests.support.cpu_time FILE` (the costliest tests and modules).
"""

import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

TICKS = os.sysconf("SC_CLK_TCK")
TARGET = "SAFAR_TEST_CPU_TIMES"
os.environ["SAFAR_TEST_CPU_OWNER"] = str(os.getpid())  # inherited by what this worker starts
MARK = f"SAFAR_TEST_CPU_OWNER={os.getpid()}\0".encode()


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU-seconds of the process and its reaped children), or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the name may hold spaces and parentheses
    utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
    return int(fields[1]), (utime + stime + cutime + cstime) / TICKS


def _marked(pid: int) -> bool:
    try:
        return MARK in Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return False


def _descendants_cpu(root: int) -> float:
    """Living processes below `root`, and those that left its tree (a server that detached itself,
    as PostgreSQL's does) but carry its mark in their environment."""
    children: dict[int, list[int]] = defaultdict(list)
    seconds: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children[stat[0]].append(int(entry))
            seconds[int(entry)] = stat[1]
    counted: set[int] = set()
    todo = list(children[root]) + [pid for pid in seconds if pid != root and _marked(pid)]
    while todo:
        pid = todo.pop()
        if pid not in counted:
            counted.add(pid)
            todo.extend(children[pid])
    return sum(seconds[pid] for pid in counted)


def tree_cpu() -> float:
    """CPU-seconds of this process, its reaped children and its living descendants."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime + _descendants_cpu(os.getpid())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    cpu, wall = tree_cpu(), time.monotonic()
    yield
    record = {"test": item.nodeid, "cpu": round(tree_cpu() - cpu, 3), "wall": round(time.monotonic() - wall, 3)}
    if target := os.environ.get(TARGET):
        with open(target, "a") as out:
            out.write(json.dumps(record) + "\n")


def _summary(path: str, top: int = 30) -> None:
    records = [json.loads(line) for line in Path(path).read_text().splitlines()]
    modules: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for record in records:
        module = modules[record["test"].split("::")[0]]
        module[0] += record["cpu"]
        module[1] += record["wall"]
        module[2] += 1
    print(f"{len(records)} tests, {sum(r['cpu'] for r in records):.0f} CPU-s, {sum(r['wall'] for r in records):.0f} s")
    print(f"\nThe {top} costliest tests (CPU-s, wall s):")
    for record in sorted(records, key=lambda r: -r["cpu"])[:top]:
        print(f"{record['cpu']:8.1f} {record['wall']:7.1f}  {record['test']}")
    print(f"\nThe {top} costliest modules (CPU-s, wall s, tests):")
    for name, (cpu, wall, count) in sorted(modules.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"{cpu:8.1f} {wall:7.1f} {count:5}  {name}")


if __name__ == "__main__":
    _summary(*sys.argv[1:2])
