"""Finds the recordings and pictures beside the lessons and checks each: its name, its format,
its length and size, whether it still reads its screen's text, a picture's caption and source.
A file that fails is left out with a problem for `safar check`; the lessons load regardless."""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from ruamel.yaml.error import YAMLError

from bot.common.languages import LANGUAGES
from bot.content.curriculum import Curriculum, NodeId
from bot.content.errors import Problem
from bot.content.facts import Source
from bot.content.media import (
    AUDIO_DIR,
    MAX_CAPTION_CHARS,
    MAX_PICTURE_BYTES,
    MAX_RECORDING_BYTES,
    MAX_RECORDING_MINUTES,
    PICTURES_DIR,
    PICTURES_FILE,
    RECORDINGS_FILE,
    Freshness,
    MediaLibrary,
    Picture,
    Recording,
    Screen,
    content_hash,
    plain_text,
    text_fingerprint,
)
from bot.content.media_formats import NotPlayable, check_jpeg, read_voice
from bot.content.models import Day, Localized
from bot.content.plain_errors import validation_problems
from bot.content.suggest import did_you_mean
from bot.content.yaml_source import parse_yaml


class PictureEntry(BaseModel):
    """A picture's line in pictures.yaml: only specimens, never a real person's document."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    caption: Localized
    source: Source
    checked: Day
    specimen: Literal[True]
    """The editor's word that it shows a specimen or a blank form, never a real person's document."""


Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{12}$")]


def script_text(curriculum: Curriculum, screen: Screen, language: str) -> str:
    """What a recording of `screen` in `language` reads: its text and every result it can end in."""
    node_id = NodeId(*screen)
    parts = [curriculum.render_text(node_id, language)]
    parts += [
        curriculum.render_result(node_id, index, language) for index in range(len(curriculum.node(node_id).results))
    ]
    return plain_text("\n\n".join(part for part in parts if part))


def recording_name(screen: Screen, language: str) -> str:
    return f"{AUDIO_DIR}/{screen.lesson}/{screen.node}.{language}.ogg"


def picture_name(screen: Screen) -> str:
    return f"{PICTURES_DIR}/{screen.lesson}/{screen.node}.jpg"


def load_media(root: Path, curriculum: Curriculum) -> MediaLibrary:
    library = MediaLibrary()
    fingerprints = read_fingerprints(root, library.problems)
    for path in sorted((root / AUDIO_DIR).glob("**/*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and name != RECORDINGS_FILE:
            recording = _recording(root, path, curriculum, fingerprints, library.problems)
            if recording is not None:
                library.recordings[(recording.screen, recording.language)] = recording
    for name in sorted(set(fingerprints) - {r.name for r in library.recordings.values()}):
        if not (root / name).exists():
            library.problems.append(_warning(RECORDINGS_FILE, f"'{name}' is listed but there is no such file"))
    entries = _read_picture_entries(root, library.problems)
    for path in sorted((root / PICTURES_DIR).glob("**/*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and name != PICTURES_FILE:
            picture = _picture(path, name, curriculum, entries, library.problems)
            if picture is not None:
                library.pictures[picture.screen] = picture
    for name in sorted(set(entries) - {p.name for p in library.pictures.values()}):
        if not (root / name).exists():
            library.problems.append(_error(PICTURES_FILE, f"'{name}' is described but there is no such picture"))
    return library


def read_fingerprints(root: Path, problems: list[Problem]) -> dict[str, str]:
    """recordings.yaml: each recording's file name and the fingerprint of the text it reads."""
    tree = _read_mapping(root / RECORDINGS_FILE, RECORDINGS_FILE, problems)
    fingerprints = {}
    for name, value in tree.items():
        if not isinstance(value, str) or len(value) != 12 or any(c not in "0123456789abcdef" for c in value):
            problems.append(
                _error(
                    RECORDINGS_FILE,
                    f"'{name}': {value!r} is not a fingerprint; confirm the "
                    f"recording again with `safar recordings confirm {name}`",
                )
            )
            continue
        fingerprints[str(name)] = value
    return fingerprints


def _read_picture_entries(root: Path, problems: list[Problem]) -> dict[str, PictureEntry]:
    tree = _read_mapping(root / PICTURES_FILE, PICTURES_FILE, problems)
    entries = {}
    for name in tree:
        try:
            entries[str(name)] = PictureEntry.model_validate(tree[name])
        except ValidationError as error:
            problems.extend(validation_problems(PICTURES_FILE, error, tree, (name,)))
    return entries


def _read_mapping(path: Path, name: str, problems: list[Problem]) -> dict[str, object]:
    if not path.exists():
        return {}
    try:
        tree = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        problems.append(_error(name, f"cannot be read: {error}"))
        return {}
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        problems.append(_error(name, "the file must be a YAML mapping (file name: ...)"))
        return {}
    return tree


def _screen_named(curriculum: Curriculum, name: str, lesson: str, node: str, problems: list[Problem]) -> Screen | None:
    """The screen a media file is named after, or None with a problem that says what to rename."""
    if lesson not in curriculum.lessons:
        problems.append(_error(name, f"there is no lesson '{lesson}'{did_you_mean(lesson, curriculum.lessons)}"))
        return None
    if node not in curriculum.lessons[lesson].nodes:
        nodes = curriculum.lessons[lesson].nodes
        problems.append(_error(name, f"the lesson '{lesson}' has no screen '{node}'{did_you_mean(node, nodes)}"))
        return None
    return Screen(lesson, node)


def _recording(
    root: Path, path: Path, curriculum: Curriculum, fingerprints: dict[str, str], problems: list[Problem]
) -> Recording | None:
    name = path.relative_to(root).as_posix()
    parts = path.relative_to(root / AUDIO_DIR).parts
    stem = parts[-1].split(".")
    if len(parts) != 2 or len(stem) != 3 or stem[2] != "ogg" or stem[1] not in LANGUAGES:
        problems.append(
            _error(
                name,
                f"a recording is named {AUDIO_DIR}/<lesson>/<screen>.<language>.ogg, the "
                f"language one of {', '.join(LANGUAGES)} (such as audio/abroad/patent.tg.ogg)",
            )
        )
        return None
    screen = _screen_named(curriculum, name, parts[0], stem[0], problems)
    if screen is None:
        return None
    try:
        data = path.read_bytes()
        if len(data) > MAX_RECORDING_BYTES:
            raise NotPlayable(
                f"it is {len(data) / 1024 / 1024:.1f} MB, more than {MAX_RECORDING_BYTES // 1024 // 1024} "
                "MB: export it with the ffmpeg command in docs/editing.md"
            )
        voice = read_voice(data)
    except OSError as error:
        problems.append(_error(name, f"cannot be read: {error.strerror}"))
        return None
    except NotPlayable as refused:
        problems.append(_error(name, f"is not offered: {refused}"))
        return None
    if voice.seconds > MAX_RECORDING_MINUTES * 60:
        minutes = voice.seconds / 60
        problems.append(
            _error(
                name,
                f"is not offered: it lasts {minutes:.1f} minutes, more than "
                f"{MAX_RECORDING_MINUTES}; split the screen or read it more briefly",
            )
        )
        return None
    now = text_fingerprint(script_text(curriculum, screen, stem[1]))
    stored = fingerprints.get(name)
    freshness = (
        Freshness.CURRENT if stored == now else Freshness.UNCONFIRMED if stored is None else Freshness.OUT_OF_DATE
    )
    if freshness is Freshness.UNCONFIRMED:
        problems.append(
            _warning(
                name,
                "is new and not offered yet: listen to it, and if it reads the screen as it "
                f"is now, run `safar recordings confirm {name}`",
            )
        )
    elif freshness is Freshness.OUT_OF_DATE:
        problems.append(
            _warning(
                name,
                "is out of date and not offered: the screen's text changed since it was "
                f"recorded; record it again, or if it still fits, run `safar recordings confirm {name}`",
            )
        )
    return Recording(screen, stem[1], name, path, content_hash(data), voice.seconds, len(data), freshness)


def _picture(
    path: Path, name: str, curriculum: Curriculum, entries: dict[str, PictureEntry], problems: list[Problem]
) -> Picture | None:
    parts = Path(name).parts
    if len(parts) != 3 or not parts[2].endswith(".jpg") or parts[2].count(".") != 1:
        problems.append(
            _error(
                name, f"a picture is named {PICTURES_DIR}/<lesson>/<screen>.jpg (such as pictures/abroad/patent.jpg)"
            )
        )
        return None
    screen = _screen_named(curriculum, name, parts[1], parts[2].removesuffix(".jpg"), problems)
    entry = entries.get(name)
    if screen is None:
        return None
    if entry is None:
        problems.append(
            _error(name, f"is not shown: give it a caption, its source and checked date in {PICTURES_FILE}")
        )
        return None
    try:
        data = path.read_bytes()
        if len(data) > MAX_PICTURE_BYTES:
            raise NotPlayable(
                f"it is {len(data) // 1024} KB, more than {MAX_PICTURE_BYTES // 1024} KB: "
                "save it smaller (1280 pixels wide is plenty)"
            )
        check_jpeg(data)
    except OSError as error:
        problems.append(_error(name, f"cannot be read: {error.strerror}"))
        return None
    except NotPlayable as refused:
        problems.append(_error(name, f"is not shown: {refused}"))
        return None
    too_long = [lang for lang, caption in entry.caption.items() if len(caption) > MAX_CAPTION_CHARS]
    if too_long:
        problems.append(
            _error(
                PICTURES_FILE,
                f"'{name}': the caption in {', '.join(too_long)} is longer than "
                f"Telegram's {MAX_CAPTION_CHARS} characters",
            )
        )
        return None
    missing = [lang for lang in LANGUAGES if lang not in entry.caption]
    if missing:
        problems.append(
            _warning(PICTURES_FILE, f"'{name}': no caption in {', '.join(missing)} (readers get another language's)")
        )
    return Picture(screen, name, path, content_hash(data), entry.caption, entry.source, entry.checked)


def _error(file: str, message: str) -> Problem:
    return Problem(file, 1, message)


def _warning(file: str, message: str) -> Problem:
    return Problem(file, 1, message, is_warning=True)
