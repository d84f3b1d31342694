"""Safar's resident memory at each phase of its start, in the process itself.

    PYTHONPATH=. python scripts/startup_memory.py

Reads /proc/self/status after `import bot` (Safar's package, which has aiogram build its Telegram
models on first use: the bare bot, importing aiogram alone, pays about 100 MB more for it), after
`import aiogram`, after Safar's imports, after `application()` (content, indexes, dispatcher,
database) and after `settle_memory()`, with a new database in a temporary folder and no network:
what `bench_load.py` prints as "started" is this last phase plus polling's first turn. Linux only.
"""

import asyncio
import os
import secrets
import sys
import tempfile


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


PHASES: list[tuple[str, float]] = [("the interpreter", resident_mb())]

# First, as `python -m bot` does: Safar's package has aiogram build its models on first use.
import bot  # noqa: E402  # measured phase by phase

PHASES.append(("Safar's package", resident_mb()))

import aiogram.methods  # noqa: E402
import aiogram.types  # noqa: E402, F401

PHASES.append(("import aiogram", resident_mb()))
BEFORE = set(sys.modules)

import bot.cli  # noqa: E402
import bot.runtime.polling  # noqa: E402, F401

PHASES.append(("Safar's imports", resident_mb()))
IMPORTED = sorted({name.split(".")[0] for name in set(sys.modules) - BEFORE if not name.startswith("_")})


async def build(folder: str) -> None:
    os.environ.update(
        BOT_TOKEN="123456:" + "A" * 35,
        DB_PATH=f"{folder}/safar.sqlite3",
        PSEUDONYM_KEY=secrets.token_hex(32),
        KEY_DIR=f"{folder}/keys",
        LOG_LEVEL="WARNING",
    )
    from bot.config import Settings
    from bot.runtime.app import application, settle_memory

    async with application(Settings()) as _:
        PHASES.append(("the application built", resident_mb()))
        settle_memory()
        PHASES.append(("collected, frozen, trimmed", resident_mb()))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(build(folder))
    previous = None
    for name, value in PHASES:
        added = "" if previous is None else f"{value - previous:+7.1f}"
        print(f"{name:28} {value:7.1f} MB {added}")
        previous = value
    print("packages Safar's imports added: " + ", ".join(IMPORTED))


if __name__ == "__main__":
    main()
