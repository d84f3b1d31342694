"""Recordings and pictures beside the lessons: what the bot may offer for each screen.

A recording reads one screen in one language (`audio/<lesson>/<screen>.<lang>.ogg`); a picture
shows what a screen talks about (`pictures/<lesson>/<screen>.jpg`, a specimen with a caption in
each language and its source). A recording carries a fingerprint of the text it reads
(`audio/recordings.yaml`): once the screen's text changes it is out of date, and is not offered
until it is recorded again or an editor confirms it still fits (`safar recordings confirm`).
"""

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from bot.content.errors import Problem
from bot.content.facts import Source
from bot.content.models import Localized

AUDIO_DIR = "audio"
PICTURES_DIR = "pictures"
RECORDINGS_FILE = f"{AUDIO_DIR}/recordings.yaml"
PICTURES_FILE = f"{PICTURES_DIR}/pictures.yaml"
MAX_RECORDING_MINUTES = 5
"""Longer than a screen read slowly: past this, cut the screen or the recording (people listen on
the way, on cheap phones, and a long voice note is abandoned)."""
MAX_RECORDING_BYTES = 2 * 1024 * 1024
"""Five minutes of speech at Telegram's own voice-note quality is under 2 MB: more means it was
exported at music quality, which costs the reader data on a slow network."""
MAX_PICTURE_BYTES = 1024 * 1024
"""Telegram takes 10 MB, but a phone on a slow network waits for every byte; a document's page
is readable well under 1 MB."""
MAX_CAPTION_CHARS = 1024
"""Telegram's limit for a photo's caption."""


class Screen(NamedTuple):
    """A lesson screen, as media files name it (the lesson file's name and the node's id)."""

    lesson: str
    node: str


class Freshness(StrEnum):
    CURRENT = "current"
    """It reads the screen's text as it is now: offered."""
    OUT_OF_DATE = "out of date"
    """The screen's text changed since it was confirmed: not offered."""
    UNCONFIRMED = "unconfirmed"
    """New, and nobody has said which text it reads yet: not offered."""


def plain_text(rendered_html: str) -> str:
    """A screen's text as a person reads it aloud: no tags, entities decoded, spaces collapsed."""
    without_tags = re.sub(r"<[^>]+>", "", rendered_html)
    return " ".join(html.unescape(without_tags).split())


def text_fingerprint(plain: str) -> str:
    """What `recordings.yaml` keeps of the text a recording reads: short, and changes with any word."""
    return hashlib.sha256(plain.encode()).hexdigest()[:12]


def content_hash(data: bytes) -> str:
    """Names a file's bytes: the key its Telegram file_id is kept under, so a changed file is sent again."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Recording:
    screen: Screen
    language: str
    name: str
    """Its path under the content directory, as editors write it: audio/abroad/patent.tg.ogg."""
    path: Path
    digest: str
    seconds: float
    size: int
    freshness: Freshness


@dataclass(frozen=True)
class Picture:
    screen: Screen
    name: str
    path: Path
    digest: str
    caption: Localized
    source: Source
    """The public page or document the specimen comes from."""
    checked: date


@dataclass
class MediaLibrary:
    """Every recording and picture found, and what is wrong with the others (which are left out:
    a broken file never stops the bot, the screen just has no "Listen")."""

    recordings: dict[tuple[Screen, str], Recording] = field(default_factory=dict)
    pictures: dict[Screen, Picture] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def recording(self, screen: Screen, language: str) -> Recording | None:
        """The recording to offer on `screen` to a reader of `language`: only one that reads its text now."""
        found = self.recordings.get((screen, language))
        return found if found is not None and found.freshness is Freshness.CURRENT else None

    def picture(self, screen: Screen) -> Picture | None:
        return self.pictures.get(screen)

    def all_recorded(self, screens: list[Screen], language: str) -> bool:
        """Every one of `screens` has a current recording in `language` (a lesson that can be listened to)."""
        return bool(screens) and all(self.recording(screen, language) is not None for screen in screens)
