"""The editors' side of recordings (issue 33): `safar check` refuses what Telegram would not play
as a voice note, and what is too long or too large, warns about a recording whose screen text
changed and shows a coverage table; `safar recordings list` prints the script to record and
`confirm` puts an out-of-date recording back; `safar preview` plays recordings and shows pictures."""

import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.content import load_curriculum
from bot.content.media import Screen
from bot.services.lesson_engine import Conversation, DialogueEngine
from tests.support.content_fixtures import CONTENT_DAY, copy_of_real_content, edit
from tests.support.journeys import expected_text
from tests.support.media_fixtures import SPECIMEN_ENTRY, long_silence, picture, record_screen, voice_note
from tests.test_editor_preview import chromium, open_in_browser

__all__ = ["chromium"]  # the browser fixture, shared with the preview's own tests

HOTLINES = Screen("hotlines", "start")


def check(content: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["check", str(content)])
    return status, capsys.readouterr().out


def english_first_line() -> str:
    return expected_text(*HOTLINES, "en").splitlines()[0]


def test_check_refuses_unplayable_long_large_and_misnamed_files_and_the_bot_leaves_them_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    audio = content / "audio" / "hotlines"
    voice_note(audio / "start.tg.ogg", codec="libvorbis")
    long_silence(audio / "russia.ru.ogg", seconds=5 * 60 + 20)
    (audio / "russia.uz.ogg").write_bytes(b"OggS" + os.urandom(2 * 1024 * 1024))
    voice_note(audio / "start.xx.ogg")
    voice_note(content / "audio" / "hotline" / "start.en.ogg")
    (audio / "kazakhstan.en.ogg").write_bytes(b"RIFF....WAVEfmt ")
    status, out = check(content, capsys)
    assert status == 1
    assert "audio/hotlines/start.tg.ogg:1: is not offered: the OGG file holds no Opus sound (Vorbis?)" in out
    assert "audio/hotlines/russia.ru.ogg:1: is not offered: it lasts 5.3 minutes, more than 5" in out
    assert "audio/hotlines/russia.uz.ogg:1: is not offered: it is 2.0 MB, more than 2 MB" in out
    assert "audio/hotlines/start.xx.ogg:1: a recording is named audio/<lesson>/<screen>.<language>.ogg" in out
    assert "audio/hotline/start.en.ogg:1: there is no lesson 'hotline' (did you mean 'hotlines'?)" in out
    assert "audio/hotlines/kazakhstan.en.ogg:1: is not offered: it is not an OGG file" in out
    assert "The bot runs, but leaves these files out until they are fixed." in out
    assert main(["check", str(audio / "russia.ru.ogg")]) == 1
    alone = capsys.readouterr().out
    assert "russia.ru.ogg:1: is not offered" in alone and "start.tg.ogg" not in alone, "one file checked alone"

    curriculum = load_curriculum(content, today=CONTENT_DAY)  # the bot loads the lessons regardless
    assert curriculum.media.recordings == {}


def test_an_edited_screen_makes_its_recording_out_of_date_until_confirmed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    record_screen(content, *HOTLINES, languages={"tg": 330, "en": 660})
    voice_note(content / "audio" / "hotlines" / "russia.en.ogg")
    status, out = check(content, capsys)
    assert status == 0, out
    assert "audio/hotlines/russia.en.ogg:1: warning: is new and not offered yet" in out
    assert "safar recordings confirm audio/hotlines/russia.en.ogg" in out
    row = next(line for line in out.splitlines() if line.startswith("hotlines "))
    assert row.split()[1:] == ["18", "1", "0", "0", "1"], "screens, then tg ru uz en"

    edit(content / "lessons" / "hotlines.yaml", english_first_line(), english_first_line() + " Edited.")
    status, out = check(content, capsys)
    assert "audio/hotlines/start.en.ogg:1: warning: is out of date and not offered: the screen's text changed" in out
    assert "audio/hotlines/start.tg.ogg" not in out, "the Tajik text did not change"
    curriculum = load_curriculum(content, today=CONTENT_DAY)
    engine = DialogueEngine(curriculum)
    assert engine.home(Conversation(), "en") is not None
    assert engine.help(Conversation(), "en").recording is None, "not offered on the screen"
    assert engine.help(Conversation(), "tg").recording is not None

    assert main(["recordings", "confirm", "audio/hotlines/start.en.ogg", "--content", str(content)]) == 0
    assert "confirmed" in capsys.readouterr().out
    status, out = check(content, capsys)
    assert "start.en.ogg" not in out


def test_recordings_list_prints_each_screens_text_under_its_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    record_screen(content, *HOTLINES, languages={"tg": 330})
    assert main(["recordings", "list", "--lang", "tg", "--content", str(content)]) == 0
    script = capsys.readouterr().out
    assert "== audio/hotlines/start.tg.ogg  [recorded]" in script
    assert "== audio/hotlines/russia.tg.ogg  [to record]" in script
    assert "== audio/main/menu.tg.ogg  [to record]" in script
    heading = expected_text(*HOTLINES, "tg").splitlines()[0].replace("<b>", "").replace("</b>", "")
    assert heading in script and "<b>" not in script, "the words to read, without markup"
    assert main(["recordings", "list", "--lang", "tg", "--missing", "--content", str(content)]) == 0
    assert "audio/hotlines/start.tg.ogg" not in capsys.readouterr().out
    assert main(["recordings", "confirm", "audio/hotlines/nothing.tg.ogg", "--content", str(content)]) == 1


def test_a_picture_needs_its_caption_and_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = copy_of_real_content(tmp_path)
    picture(content / "pictures" / "hotlines" / "start.jpg")
    status, out = check(content, capsys)
    assert status == 1
    assert "pictures/hotlines/start.jpg:1: is not shown: give it a caption, its source and checked date" in out
    entry = SPECIMEN_ENTRY.format(name="pictures/hotlines/start.jpg").replace("  specimen: true\n", "")
    (content / "pictures" / "pictures.yaml").write_text(entry, encoding="utf-8")
    status, out = check(content, capsys)
    assert status == 1 and "pictures/pictures.yaml" in out and "specimen" in out


def test_the_preview_plays_each_recording_and_shows_each_picture_in_a_browser(
    chromium: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_of_real_content(tmp_path)
    record_screen(content, *HOTLINES, languages={"tg": 330, "en": 660})
    picture(content / "pictures" / "hotlines" / "start.jpg")
    (content / "pictures" / "pictures.yaml").write_text(
        SPECIMEN_ENTRY.format(name="pictures/hotlines/start.jpg"), encoding="utf-8"
    )
    site = tmp_path / "site"
    assert main(["preview", "--content", str(content), "--out", str(site)]) == 0
    page = site / "lessons" / "hotlines.html"
    html = page.read_text(encoding="utf-8")
    assert (
        'src="../media/audio/hotlines/start.tg.ogg"' in html and (site / "media/audio/hotlines/start.tg.ogg").exists()
    )
    assert "A specimen patent (not a real person&#39;s document)" in html
    dom, console = open_in_browser(chromium, page, tmp_path / "profile", "--virtual-time-budget=10000")
    assert console == []
    assert 'data-file="audio/hotlines/start.tg.ogg" data-seconds="1.0"' in dom, "the browser decoded the recording"
    assert 'data-file="audio/hotlines/start.en.ogg" data-seconds="1.0"' in dom
    assert 'data-file="pictures/hotlines/start.jpg" data-width="160"' in dom
