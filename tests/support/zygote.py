"""`python -m bot` without paying for its imports each time: a process that has imported the bot
once (aiogram's ~450 pydantic models cost ~10 CPU-seconds per cold start), and read the packaged
content once, forks a fresh bot per test in a few milliseconds, like Android's zygote or
multiprocessing's forkserver.

Each fork is the real entry point (`bot/__main__.py` run as `__main__`) in its own process with
the test's arguments, environment, working directory and standard streams, so it starts, fails,
takes signals, crashes and exits as a cold start does; it only skips importing the modules again.
Its exit status comes back from the zygote, which is its parent. SAFAR_TEST_COLD_STARTS=1 makes
every start a cold one (to check that a behaviour does not depend on the zygote).

Run as `python -m tests.support.zygote SOCKET`: import, answer "ready", then serve until its
standard input closes (the pytest worker that started it has gone). A fork that starts bots of its
own (a benchmark script run by a test, tests/support/cluster.py in it) asks the same zygote for
them instead of starting a second one, which would import everything again.
"""

import array
import asyncio
import atexit
import contextlib
import gc
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

PROJECT = Path(__file__).resolve().parents[2]
PRELOADED = ("bot.cli", "bot.runtime.polling", "bot.runtime.webhook", "bot.runtime.scheduler", "bot.cli.operators")
"""What a start imports, whichever mode it runs in: the polling, webhook and scheduler runners."""
INTERPRETER_SETTINGS = ("PYTHONPATH",)
"""PYTHON* variables a request may set; any other one changes how the interpreter starts: cold start."""
MAX_FDS = 3
STREAM = int | IO[Any] | None


# ---------------------------------------------------------------- the zygote (a separate process)


def _serve(path: str) -> list[str] | None:
    """Accept requests until stdin closes. In a fork, return its command line: `-m ARGUMENTS` for the
    bot, or `SCRIPT ARGUMENTS` (the caller runs it)."""
    import importlib

    global _INHERITED
    zygote = (path, dict(os.environ))  # as a fork sees it once its request's environment replaced this one
    for module in PRELOADED:
        importlib.import_module(module)
    _read_the_packaged_content()
    gc.freeze()  # the imported objects stay out of every fork's collections: fewer copied pages
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    wakeup_read, wakeup_write = os.pipe()
    os.set_blocking(wakeup_write, False)
    signal.set_wakeup_fd(wakeup_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    waiting: dict[int, socket.socket] = {}
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "request")
    selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
    selector.register(wakeup_read, selectors.EVENT_READ, "child")
    print("ready", flush=True)
    while True:
        for key, _ in selector.select():
            if key.data == "stdin" and not sys.stdin.buffer.read1(1):
                for pid in waiting:
                    _kill(pid)
                return None
            if key.data == "child":
                os.read(wakeup_read, 512)
                _reap(waiting)
            if key.data == "request":
                connection, _ = listener.accept()
                arguments = _fork(connection, waiting)
                if arguments is not None:  # the fork: leave the zygote's loop, become the bot
                    _INHERITED = zygote
                    selector.close()
                    listener.close()
                    for fd in (wakeup_read, wakeup_write):
                        os.close(fd)
                    for other in waiting.values():
                        other.close()
                    return arguments


def _read_the_packaged_content() -> None:
    """Read the packaged content once, as a bot started today reads it, and let every fork find it
    where the tests' own bots do (tests/support/content_cache.py): a start over the same unchanged
    files on the same day skips seconds of reading; any other content (a test's own folder, an
    edited file, another day) is read by the fork itself, as a cold start reads it."""
    from bot.common.clock import SystemClock
    from bot.i18n import load_i18n, translator
    from bot.services.content_holder import ContentSources
    from tests.support import content_cache

    content_cache.install()
    ContentSources(None, None, translator(load_i18n()), SystemClock()).load()


def _fork(connection: socket.socket, waiting: dict[int, socket.socket]) -> list[str] | None:
    request, fds = _receive(connection)
    arguments, cwd, env = request["arguments"], request["cwd"], request["env"]
    pid = os.fork()
    if pid == 0:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        connection.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        script = request.get("script")
        # `python -m` puts the working directory first on the path, `python SCRIPT` the script's folder.
        sys.path[0] = os.path.dirname(os.path.abspath(script)) if script else cwd
        return [script, *arguments] if script else ["-m", *arguments]
    for fd in fds:
        os.close(fd)
    connection.sendall(f"{pid}\n".encode())
    waiting[pid] = connection
    return None


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    import json

    fds = array.array("i")
    data = b""
    while not data.endswith(b"\n"):
        message, ancillary, _, _ = connection.recvmsg(1 << 20, socket.CMSG_LEN(MAX_FDS * fds.itemsize))
        if not message:
            raise ConnectionError("the request was cut short")
        data += message
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - (len(payload) % fds.itemsize)])
    return json.loads(data), list(fds)


def _reap(waiting: dict[int, socket.socket]) -> None:
    while waiting:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = waiting.pop(pid, None)
        if connection is None:
            continue
        code = os.waitstatus_to_exitcode(status)
        with contextlib.suppress(OSError):  # the test may have gone already
            connection.sendall(f"{code}\n".encode())
        connection.close()


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def main() -> None:
    arguments = _serve(sys.argv[1])
    if arguments is None:
        return
    import runpy

    sys.argv = arguments
    # Uncaught errors, SystemExit and the interpreter's shutdown (threads, atexit, flushing) are
    # the interpreter's own from here, as in a cold start.
    if arguments[0] == "-m":
        runpy.run_module("bot", run_name="__main__", alter_sys=True)  # argv[0] becomes bot/__main__.py
    else:
        runpy.run_path(arguments[0], run_name="__main__")


# ------------------------------------------------------------------- the tests' side (pytest worker)


class Zygote:
    """The zygote of this pytest worker, started at its first use and gone with the worker."""

    def __init__(self, inherited: tuple[str, dict[str, str]] | None = None) -> None:
        if inherited is not None:  # this process is a fork of a zygote, which is ready and serving
            self.path, self.environment = inherited
            self._process: subprocess.Popen[bytes] | None = None
            self._answer = b"ready"
            self._answered = threading.Event()
            self._answered.set()
            return
        self._folder = tempfile.mkdtemp(prefix="safar-zygote-")
        self.path = os.path.join(self._folder, "socket")
        self.environment = _clean_environment()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.zygote", self.path], cwd=PROJECT, env=self.environment,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        self._answer = b""
        self._answered = threading.Event()
        threading.Thread(target=self._read_answer, daemon=True).start()
        atexit.register(self._close)

    def _close(self) -> None:
        """Close its stdin (it kills forks still running and exits) and wait, so its CPU time and
        its forks' count in this worker's, as cold starts' do."""
        if self._process is None:
            return
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            self._process.kill()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _read_answer(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        self._answer = self._process.stdout.readline()  # after ~10 CPU-seconds of imports, once
        self._answered.set()

    async def wait_ready(self) -> None:
        """Started once per worker; any test's event loop may be the one that waits."""
        if not self._answered.is_set():
            await asyncio.to_thread(self._answered.wait)
        if self._answer.strip() != b"ready":
            status = self._process.poll() if self._process is not None else None
            raise RuntimeError(f"the zygote did not start (exit status {status})")

    def accepts(self, env: Mapping[str, str]) -> bool:
        """Whether a fork of the zygote starts as this environment's cold start would."""
        interpreter = {k: v for k, v in env.items() if k.startswith("PYTHON") and k not in INTERPRETER_SETTINGS}
        mine = {k: v for k, v in self.environment.items() if k.startswith("PYTHON") and k not in INTERPRETER_SETTINGS}
        return interpreter == mine and env.get("PYTHONPATH") == str(PROJECT)


def _clean_environment() -> dict[str, str]:
    from tests.support.processes import SETTING_NAMES

    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    env["PYTHONPATH"] = str(PROJECT)
    return env


_ZYGOTE: Zygote | None = None
_INHERITED: tuple[str, dict[str, str]] | None = None
"""In a fork of the zygote: the zygote's socket and environment, so that the bots this process
starts are forks of the same zygote (as siblings of this process, whose exit statuses come back
over the socket) instead of a second zygote's."""


def _zygote() -> Zygote:
    global _ZYGOTE
    if _ZYGOTE is None:
        _ZYGOTE = Zygote(_INHERITED)
    return _ZYGOTE


@dataclass
class _Streams:
    child: list[int]
    stdin: int | None = None
    stdout: int | None = None
    stderr: int | None = None


def _streams(stdin: STREAM, stdout: STREAM, stderr: STREAM) -> _Streams:
    """The child's fds 0, 1, 2 and our ends of the pipes, as `create_subprocess_exec` makes them."""
    streams = _Streams(child=[])
    for number, wanted in enumerate((stdin, stdout, stderr)):
        if wanted == subprocess.PIPE:
            read, write = os.pipe()
            mine, theirs = (write, read) if number == 0 else (read, write)
            setattr(streams, ("stdin", "stdout", "stderr")[number], mine)
            streams.child.append(theirs)
        elif wanted == subprocess.STDOUT:
            assert number == 2, "only stderr can go to stdout"
            streams.child.append(os.dup(streams.child[1]))
        elif wanted == subprocess.DEVNULL:
            streams.child.append(os.open(os.devnull, os.O_RDWR))
        elif wanted is None:
            streams.child.append(os.dup(number))
        elif isinstance(wanted, int):
            streams.child.append(os.dup(wanted))
        else:
            streams.child.append(os.dup(wanted.fileno()))
    return streams


class BotProcess:
    """A forked bot with the parts of asyncio.subprocess.Process the tests use."""

    def __init__(
        self, pid: int, status: asyncio.StreamReader, connection: asyncio.StreamWriter, streams: _Streams
    ) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._connection = connection
        self._status = asyncio.ensure_future(self._read_status(status))
        loop = asyncio.get_running_loop()
        self._loop = loop
        self.stdin: asyncio.StreamWriter | None = None
        self._stdin_fd = streams.stdin
        self._pipes: list[asyncio.Future[Any]] = []
        self.stdout = self._reader(streams.stdout)
        self.stderr = self._reader(streams.stderr)

    def _reader(self, fd: int | None) -> asyncio.StreamReader | None:
        if fd is None:
            return None
        reader = asyncio.StreamReader(limit=2**16, loop=self._loop)
        pipe = os.fdopen(fd, "rb", buffering=0)
        self._pipes.append(
            asyncio.ensure_future(self._loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe))  # type: ignore[arg-type]
        )
        return reader

    async def _read_status(self, status: asyncio.StreamReader) -> int:
        line = await status.readline()
        self._connection.close()
        self.returncode = int(line) if line.strip() else -signal.SIGKILL  # the zygote itself was killed
        return self.returncode

    async def wait(self) -> int:
        return await asyncio.shield(self._status)

    def send_signal(self, number: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):  # it ended a moment ago: its status is on the way
                os.kill(self.pid, number)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    async def communicate(self, input: bytes | None = None) -> tuple[bytes | None, bytes | None]:
        await asyncio.gather(*self._pipes)
        if self._stdin_fd is not None:
            fd, self._stdin_fd = self._stdin_fd, None
            await asyncio.to_thread(_write_all, fd, input or b"")
        out, err = await asyncio.gather(_read_all(self.stdout), _read_all(self.stderr))
        await self.wait()
        return out, err


def _write_all(fd: int, data: bytes) -> None:
    try:
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
    except BrokenPipeError:
        pass  # the process exited without reading it all, as asyncio ignores too


async def _read_all(reader: asyncio.StreamReader | None) -> bytes | None:
    return None if reader is None else await reader.read()


async def start_bot(
    arguments: Sequence[str], *, cwd: str | Path, env: Mapping[str, str],
    stdin: STREAM = None, stdout: STREAM = None, stderr: STREAM = None, cold: bool = False,
    script: str | None = None,
) -> "BotProcess | asyncio.subprocess.Process":  # fmt: skip
    """`python -m bot ARGUMENTS` (or `python SCRIPT ARGUMENTS`) with this environment and working
    directory: a fork of the zygote, or a cold start when asked or when the environment changes how
    the interpreter starts."""
    if cold or os.environ.get("SAFAR_TEST_COLD_STARTS") == "1" or not _zygote().accepts(env):
        command = [script] if script else ["-m", "bot"]
        return await asyncio.create_subprocess_exec(
            sys.executable, *command, *arguments, cwd=cwd, env=dict(env), stdin=stdin, stdout=stdout, stderr=stderr
        )
    zygote = _zygote()
    await zygote.wait_ready()
    import json

    streams = _streams(stdin, stdout, stderr)
    asked = {"arguments": list(arguments), "cwd": str(cwd), "env": dict(env), "script": script}
    request = json.dumps(asked).encode() + b"\n"
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(zygote.path)
        connection.sendmsg([request], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", streams.child))])
    finally:
        for fd in streams.child:
            os.close(fd)
    connection.setblocking(False)
    reader, writer = await asyncio.open_unix_connection(sock=connection)
    pid = int(await reader.readline())
    process = BotProcess(pid, reader, writer, streams)
    await asyncio.gather(*process._pipes)
    return process


if __name__ == "__main__":
    # Serve from the module itself, not from `__main__`: a fork that imports it (a benchmark script
    # starting bots through tests/support) then finds `_INHERITED` set.
    from tests.support import zygote as module

    module.main()
