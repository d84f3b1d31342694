"""Listen instead of read (issue 33): a screen with a recording in the reader's language offers
"🔊 Listen", which sends its voice note; each file is uploaded to Telegram once and sent again by
its file_id, across restarts and workers; listen mode sends the voice first; a picture shows a
specimen with its caption. Driven through the fake Bot API with recordings made in the test."""

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.content import NodeId
from bot.content.curriculum import node_ref
from bot.handlers.callback_data import ListenTo
from bot.i18n.listening import WHAT_LISTENING_KEEPS
from bot.runtime.app import Application, application
from tests.support.content_fixtures import copy_of_real_content, edit
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, expected_text, open_topic, start_in
from tests.support.media_fixtures import SPECIMEN_ENTRY, TONES, picture, record_screen, voice_note
from tests.support.running import STAFF_ID, RunningBot
from tests.support.waiting import LOADED_MACHINE

HOTLINES = NodeId("hotlines", "start")
LISTEN = "🔊"
SPOKEN = {"tg": "🔊 Гӯш кардан", "ru": "🔊 Слушать", "uz": "🔊 Tinglash", "en": "🔊 Listen"}


def voices(telegram: FakeTelegram, chat: int) -> list[str]:
    """The file_ids of the voice notes `chat` was sent, as they arrived (a non-Opus file would be a document)."""
    return [file_id for to, kind, file_id in telegram.sent_files if to == chat and kind == "voice"]


def uploads(telegram: FakeTelegram) -> list[bytes]:
    return [content for _, kind, _, content in telegram.files if kind == "voice"]


async def listen_on_sos(user: FakeUser) -> Sent:
    """/sos, then "🔊 Listen" under the hotlines: returns the voice note sent."""
    await user.send("/sos")
    screen = await user.reply()
    assert user.nothing_sent(), "nothing plays by itself: the screen comes alone"
    await user.press(screen, LISTEN)
    return await user.reply()


async def test_listen_sends_the_voice_note_in_each_language_uploading_each_file_once(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = copy_of_real_content(tmp_path)
    made = record_screen(content, *HOTLINES)
    settings.content_dir, settings.admin_ids = content, frozenset({STAFF_ID})
    bot = RunningBot(settings)
    await bot.start()
    try:
        for number, language in enumerate(TONES, start=1):
            user = telegram.user(100 + number, language)
            await start_in(user, LANGUAGE_LABELS[language])
            await user.send("/sos")
            screen = await user.reply()
            assert SPOKEN[language] in screen.labels()
            await user.press(screen, LISTEN)
            voice = await user.reply()
            assert voice.method == "sendVoice" and voice.media["voice"]["file_id"] in voices(telegram, user.id)
            assert uploads(telegram)[-1] == made[language], f"the {language} reader hears the {language} recording"
        assert len(uploads(telegram)) == 4

        again = telegram.user(200, "tg")
        await start_in(again, LANGUAGE_LABELS["tg"])
        await listen_on_sos(again)
        assert len(uploads(telegram)) == 4, "a second listener gets the file by its file_id"

        await bot.restart()
        await listen_on_sos(again)
        assert len(uploads(telegram)) == 4, "the file_id is kept across a restart"
        assert len(voices(telegram, again.id)) == 2

        new_take = voice_note(content / "audio" / "hotlines" / "start.tg.ogg", frequency=880)
        staff = telegram.user(STAFF_ID, "en")
        await start_in(staff, "English")
        await staff.send("/reload")
        assert "recordings and pictures: audio/hotlines/start.tg.ogg" in (await staff.reply()).text
        await listen_on_sos(again)
        assert uploads(telegram)[-1] == new_take and len(uploads(telegram)) == 5, "a changed file is uploaded again"
    finally:
        await bot.stop()


async def test_a_recording_that_is_not_opus_or_reads_an_old_text_is_not_offered(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = copy_of_real_content(tmp_path)
    record_screen(content, *HOTLINES, languages={"en": 440, "ru": 550, "tg": 330})
    # confirmed, then replaced by an export in the wrong format: Telegram would send it as a file
    voice_note(content / "audio" / "hotlines" / "start.tg.ogg", codec="libvorbis")
    start = (content / "lessons" / "hotlines.yaml").read_text(encoding="utf-8")
    first_english = expected_text(*HOTLINES, "en").splitlines()[0]
    assert first_english in start
    edit(content / "lessons" / "hotlines.yaml", first_english, first_english + " (edited)")
    settings.content_dir = content
    bot = RunningBot(settings)
    await bot.start()
    try:
        for language, offered in (("en", False), ("tg", False), ("ru", True)):
            user = telegram.user(300 + len(language) + ord(language[0]), language)
            await start_in(user, LANGUAGE_LABELS[language])
            await user.send("/sos")
            screen = await user.reply()
            assert (SPOKEN[language] in screen.labels()) is offered, language
    finally:
        await bot.stop()


async def test_listen_mode_sends_the_voice_first_and_the_text_on_request_until_forget(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = copy_of_real_content(tmp_path)
    for screen in ("start", "skills", "support", "ban_check"):
        record_screen(content, "coming_home", screen, languages={"en": 440})
    settings.content_dir = content
    bot = RunningBot(settings)
    await bot.start()
    try:
        user = telegram.user(400, "en")
        menu = await start_in(user, "English")
        await open_topic(user, menu, "Coming home")
        lesson = await user.reply()
        assert "🎧 Listen first" in lesson.labels() and "🔊 Listen" in lesson.labels()

        answer = await user.press(lesson, "🎧 Listen first")
        assert answer["text"].startswith("Listen mode is on")
        line = await user.reply()
        assert line.text.startswith("🔊 Listen to the voice note below") and "📄 Text" in line.labels()
        assert (await user.reply()).method == "sendVoice"

        await user.press(line, "Support after return")
        support = await user.reply()
        assert support.text.startswith("🔊 Listen to the voice note below")
        assert (await user.reply()).method == "sendVoice"
        await user.press(support, "📄 Text")
        assert (await user.reply()).text == expected_text("coming_home", "support", "en")

        await user.send("/privacy")
        assert "• If you press “🎧 Listen first” in a recorded lesson" in (await user.reply()).text
        await user.send("/forget")
        await user.press(await user.reply(), "Yes, erase")
        await user.reply()
        menu = await start_in(user, "English")
        await open_topic(user, menu, "Coming home")
        assert (await user.reply()).text == expected_text("coming_home", "start", "en"), "/forget ended listen mode"
        assert user.nothing_sent()
    finally:
        await bot.stop()


async def test_a_picture_shows_its_caption_and_a_missing_file_stops_nothing(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = copy_of_real_content(tmp_path)
    specimen = picture(content / "pictures" / "hotlines" / "start.jpg")
    (content / "pictures" / "pictures.yaml").write_text(
        SPECIMEN_ENTRY.format(name="pictures/hotlines/start.jpg"), encoding="utf-8"
    )
    settings.content_dir = content
    bot = RunningBot(settings)
    await bot.start()
    try:
        user = telegram.user(500, "uz")
        await start_in(user, LANGUAGE_LABELS["uz"])
        await user.send("/sos")
        screen = await user.reply()
        await user.press(screen, "🖼")
        photo = await user.reply()
        assert photo.method == "sendPhoto" and photo.text == "Patent namunasi (haqiqiy odamning hujjati emas)"
        assert telegram.files[-1][3] == specimen

        (content / "pictures" / "hotlines" / "start.jpg").unlink()
        await user.press(screen, "🖼")
        assert len(telegram.files) == 1 and telegram.sent_files[-1][1] == "photo", "sent again by its file_id"
        await bot.restart()  # a file gone at start: the screen has no picture, the bot runs
        await user.send("/sos")
        assert not any("🖼" in label for label in (await user.reply()).labels())
    finally:
        await bot.stop()


async def _press(worker: Application, telegram: FakeTelegram, user_id: int, data: str, ids: Any) -> None:
    """A button press delivered to one worker, as a load balancer hands Telegram's call to it."""
    query_id = f"w{next(ids)}"
    answered = telegram.open_queries[query_id] = asyncio.Event()
    message = telegram._message_json(Sent("sendMessage", user_id, 1, "screen"))
    update = {"update_id": 10_000 + next(ids), "callback_query": {
        "id": query_id, "chat_instance": "ci", "data": data, "message": message,
        "from": {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "ru"}}}  # fmt: skip
    await worker.dispatcher.feed_raw_update(worker.bot, update)
    await asyncio.wait_for(answered.wait(), LOADED_MACHINE)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_workers_on_postgresql_upload_a_recording_once(
    telegram: FakeTelegram, settings: Settings, tmp_path: Path
) -> None:
    content = copy_of_real_content(tmp_path)
    record_screen(content, *HOTLINES, languages={"ru": 440})
    settings.content_dir = content
    press = ListenTo(ref=node_ref(HOTLINES)).pack()
    ids = itertools.count(1)
    async with application(settings) as first, application(settings) as second:
        await _press(first, telegram, 601, press, ids)
        await telegram.until(lambda: len(voices(telegram, 601)) == 1)
        await _press(second, telegram, 602, press, ids)
        await telegram.until(lambda: len(voices(telegram, 602)) == 1)
    assert len(uploads(telegram)) == 1, "the second worker sent the first one's upload by its file_id"
    assert voices(telegram, 601) == voices(telegram, 602)


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_privacy_names_listen_mode_only_where_a_lesson_offers_it(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    """The shipped lessons have no recordings: /privacy said "whether you chose listen mode", a mode
    the person could find nowhere. It is said, and explained, where a recorded lesson offers it
    (test_listen_mode_sends_the_voice_first_and_the_text_on_request_until_forget)."""
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    await user.send("/privacy")
    text = (await user.reply()).text
    line = bot.app.i18n.gettext(WHAT_LISTENING_KEEPS, locale=language)
    assert line not in text and "🎧" not in text
    assert "/forget" in text
