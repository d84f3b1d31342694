"""Small recordings and pictures made in the test, with ffmpeg (installed by .ci/run): OGG/Opus
voice notes of a few kilobytes, one tone per language so each file is told apart, and JPEGs."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import main

TONES = {"tg": 330, "ru": 440, "uz": 550, "en": 660}
"""A different tone per language: four different files, four different content hashes."""


def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("CI=true but ffmpeg is missing: .ci/run installs Debian's 'ffmpeg' and must not go on without it")
    if found is None:
        pytest.skip("no ffmpeg here: .ci/run installs Debian's 'ffmpeg' when it runs as root")
    return found


def _run(*arguments: str) -> None:
    subprocess.run([ffmpeg(), "-hide_banner", "-loglevel", "error", "-y", *arguments], check=True, timeout=120)


def voice_note(path: Path, *, frequency: int = 440, seconds: float = 1.0, codec: str = "libopus") -> bytes:
    """A mono voice note at Telegram's own quality (`codec` libvorbis: an OGG Telegram would not play as one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    bitrate = ["-b:a", "16k"] if codec == "libopus" else ["-q:a", "0"]
    _run("-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}", "-ac", "1", "-c:a", codec, *bitrate,
         str(path))  # fmt: skip
    return path.read_bytes()


def long_silence(path: Path, seconds: float) -> bytes:
    """Silence at the lowest bitrate: a recording over the length limit that is still small."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _run("-f", "lavfi", "-i", f"anullsrc=r=48000:cl=mono:d={seconds}", "-c:a", "libopus", "-b:a", "6k", str(path))
    return path.read_bytes()


def picture(path: Path, colour: str = "white") -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    _run("-f", "lavfi", "-i", f"color=c={colour}:s=160x100", "-frames:v", "1", str(path))
    return path.read_bytes()


def record_screen(content: Path, lesson: str, screen: str, languages: dict[str, int] = TONES) -> dict[str, bytes]:
    """Each language's recording of a screen, dropped in and confirmed as an editor does."""
    made = {
        language: voice_note(content / "audio" / lesson / f"{screen}.{language}.ogg", frequency=tone)
        for language, tone in languages.items()
    }
    names = [f"audio/{lesson}/{screen}.{language}.ogg" for language in languages]
    assert main(["recordings", "confirm", *names, "--content", str(content)]) == 0
    return made


SPECIMEN_ENTRY = """\
{name}:
  caption:
    tg: Намунаи патент (на ҳуҷҷати шахси воқеӣ)
    ru: Образец патента (не документ реального человека)
    uz: Patent namunasi (haqiqiy odamning hujjati emas)
    en: A specimen patent (not a real person's document)
  source:
    title: Test specimen
    publisher: Safar tests
    date: 2026-12-01
    url: https://example.org/specimen
  checked: 2026-12-01
  specimen: true
"""
"""A picture's entry in pictures.yaml, for the tests' own generated picture (no real content)."""
