"""Where a running bot process spends its CPU, sampled from outside with py-spy (for the scale
benchmark, scripts/bench_scale.py).

A worker run under cProfile was too slow to become healthy on a loaded machine; py-spy reads the
process's stacks from outside a hundred times a second (`--nonblocking`: without pausing it), so
the worker runs at its own speed. Only samples where the process was running count (no `--idle`):
the shares are of its CPU, not of its waiting. Each sample is put in one layer: the innermost frame
of the stack that belongs to a layer the breakdown names (asyncpg under SQLAlchemy counts as
asyncpg, SQLAlchemy's own frames as SQLAlchemy, a handler's own code as Safar's), then the rest by
the innermost frame's module.
"""

import asyncio
import contextlib
import shutil
import signal
import sys
from collections import Counter
from pathlib import Path

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("asyncpg (the PostgreSQL driver)", ("asyncpg/",)),
    ("SQLAlchemy (Core, the async adapter, the pool)", ("sqlalchemy/",)),
    ("redis-py (Redis client)", ("redis/",)),
    ("pydantic (reading updates, building calls)", ("pydantic/", "pydantic_core/")),
    ("aiogram (dispatch, filters, FSM, Bot API calls)", ("aiogram/",)),
    ("aiohttp (the webhook's server, the Bot API's client)", ("aiohttp/", "multidict/", "yarl/")),
    ("Safar: storage (stores, backends, Redis state)", ("bot/storage/",)),
    ("Safar: middlewares (guards, chat queues, locks, locale)", ("bot/middlewares/",)),
    ("Safar: handlers and screens", ("bot/handlers/",)),
    ("Safar: services (lesson engine, events)", ("bot/services/",)),
    ("Safar: transport (Bot API requests)", ("bot/transport/",)),
    ("Safar: the rest", ("bot/",)),
    ("json", ("json/",)),
    ("asyncio's event loop", ("asyncio/", "selectors.py")),
    ("logging", ("logging/",)),
)


def _layer(frame: str) -> str | None:
    """py-spy names a frame `function (path:line)`, the path relative to its entry of sys.path."""
    path = frame[frame.rfind("(") + 1 :]
    for name, markers in LAYERS:
        if path.startswith(markers):
            return name
    return None


def breakdown(raw: str) -> Counter[str]:
    """Samples per layer, from py-spy's raw (collapsed) output: `outer;...;inner count` per line."""
    samples: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        layer = next((found for frame in reversed(frames) if (found := _layer(frame))), "other (stdlib, C code)")
        samples[layer] += int(count)
    return samples


def py_spy() -> str | None:
    """py-spy beside this Python (the dev install), or on the PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Sampler:
    """py-spy recording one process until `stop()`."""

    def __init__(self, pid: int, output: Path) -> None:
        self.pid, self.output = pid, output
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        program = py_spy()
        if program is None:
            raise RuntimeError("py-spy is not installed (pip install py-spy)")
        self._process = await asyncio.create_subprocess_exec(
            program, "record", "--pid", str(self.pid), "--rate", "100", "--nonblocking", "--format", "raw",
            "--output", str(self.output), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip

    async def stop(self) -> Counter[str]:
        """Samples per layer (py-spy writes its file when interrupted)."""
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):
            self._process.send_signal(signal.SIGINT)
        _, errors = await self._process.communicate()
        if not self.output.exists():
            raise RuntimeError(f"py-spy wrote no profile: {errors.decode(errors='replace')[-500:]}")
        return breakdown(self.output.read_text())


def shares(samples: Counter[str]) -> list[tuple[str, float]]:
    total = sum(samples.values()) or 1
    return [(name, count / total) for name, count in samples.most_common()]
