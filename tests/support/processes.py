"""Running `python -m bot` as a separate process, as operators do: for start-up, signal and crash tests.
Each start is a fork of a process that has imported the bot already (tests/support/zygote.py)."""

import asyncio
import os
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.config import Settings
from tests.support.waiting import LOADED_MACHINE
from tests.support.zygote import BotProcess, start_bot

SETTING_NAMES = {name.upper() for name in Settings.model_fields} | {"CREDENTIALS_DIRECTORY"}
"""Every variable Safar reads (bot/config.py), so the machine's own values never reach a test's process."""
PROJECT = Path(__file__).resolve().parents[2]


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The test's settings; keys in the test's own directory, never the machine user's."""
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    env["PYTHONPATH"] = str(PROJECT)
    env["KEY_DIR"] = str(tmp_path / "keys")
    return env | settings


async def run_to_end(tmp_path: Path, within: float = LOADED_MACHINE, **settings: str) -> tuple[int, str]:
    process = await start_bot(
        [], cwd=tmp_path, env=environment(tmp_path, **settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), within)  # a loaded CI machine imports slowly
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def run_command(
    tmp_path: Path, arguments: list[str], within: float = LOADED_MACHINE, **settings: str
) -> tuple[int, str]:
    """`python -m bot ARGUMENTS` as an operator runs it: its exit status and all it printed."""
    process = await start_bot(
        arguments, cwd=tmp_path, env=environment(tmp_path, **settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), within)
    assert process.returncode is not None
    return process.returncode, output.decode()


async def refused(tmp_path: Path, within: float = 120, unset: tuple[str, ...] = (), **settings: str) -> tuple[int, str]:
    """Run `python -m bot` for a start it must refuse: its exit status and stderr. A process still
    running after `within` seconds started instead: it is killed and the test fails."""
    env = {name: value for name, value in environment(tmp_path, **settings).items() if name not in unset}
    process = await start_bot(
        [], cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"still running after {within} s: the start was not refused") from None
    assert process.returncode is not None
    return process.returncode, stderr.decode()


@asynccontextmanager
async def running(
    tmp_path: Path, cold: bool = False, **settings: str
) -> AsyncIterator[BotProcess | asyncio.subprocess.Process]:
    """The bot running until the block ends; `cold`: started by the interpreter itself, imports and all."""
    process = await start_bot(
        [], cwd=tmp_path, env=environment(tmp_path, **settings), cold=cold,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def stop(process: BotProcess | asyncio.subprocess.Process) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(process.wait(), LOADED_MACHINE)  # a clean stop finishes what is under way
    assert process.stderr is not None
    return int(process.returncode or 0), (await process.stderr.read()).decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
