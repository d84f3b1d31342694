"""Text read from a picture of an advert with Tesseract OCR, off the event loop and bounded.

Tesseract runs as a child process: the picture goes in through its standard input and the text
comes back on its standard output, so the picture never touches the disk, and nothing of it is
kept once the call returns. A slow or stuck reading is killed after `timeout` seconds. At most
`workers` pictures are read at once, and one person's pictures one at a time, so a burst of photos
from one person queues behind itself and cannot take every worker from others.
"""

import asyncio
import logging
import shutil
import time
import weakref
from dataclasses import dataclass

from bot.observability.metrics import ADVERT_PICTURES

log = logging.getLogger(__name__)

LANGUAGES = "rus+tgk+uzb+uzb_cyrl+eng"
"""Tesseract's models for the scripts adverts are written in (Debian: tesseract-ocr-rus, -tgk, -uzb,
-uzb-cyrl, -eng)."""
MAX_PICTURE_BYTES = 10 * 1024 * 1024
"""Larger files are not read (Telegram's photos are far smaller)."""


@dataclass(frozen=True)
class PictureReader:
    command: str | None
    """The tesseract program, or None where it is not installed."""
    timeout: float = 30.0
    workers: int = 2

    @classmethod
    def found(cls, command: str = "tesseract", timeout: float = 30.0, workers: int = 2) -> "PictureReader":
        """`command` where it is installed (a name looked up on PATH, or a path)."""
        return cls(shutil.which(command), timeout, workers)

    @property
    def available(self) -> bool:
        return self.command is not None


class PictureText:
    """Reads pictures' text for people, `reader.workers` at a time, one per person."""

    def __init__(self, reader: PictureReader) -> None:
        self.reader = reader
        self._workers = asyncio.Semaphore(reader.workers)
        self._people: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.last_seconds = 0.0

    @property
    def available(self) -> bool:
        return self.reader.available

    async def read(self, picture: bytes, person: str) -> str | None:
        """The picture's text ("" when it has none), or None when it could not be read."""
        if self.reader.command is None or len(picture) > MAX_PICTURE_BYTES:
            return None
        lock = self._people.get(person)
        if lock is None:
            lock = self._people[person] = asyncio.Lock()
        async with lock, self._workers:
            started = time.monotonic()
            text = await self._run(self.reader.command, picture)
            self.last_seconds = time.monotonic() - started
        ADVERT_PICTURES.labels("failed" if text is None else "read" if text.strip() else "no_text").inc()
        return text

    async def _run(self, command: str, picture: bytes) -> str | None:
        process = await asyncio.create_subprocess_exec(
            command, "stdin", "stdout", "-l", LANGUAGES, "--psm", "3",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
        try:
            output, _ = await asyncio.wait_for(process.communicate(picture), self.reader.timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
            log.warning("advert pictures: tesseract took longer than %.0f s and was stopped", self.reader.timeout)
            return None
        if process.returncode != 0:
            log.warning("advert pictures: tesseract failed (exit status %s)", process.returncode)
            return None
        return output.decode("utf-8", errors="replace")
