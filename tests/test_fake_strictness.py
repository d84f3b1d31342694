"""The fake Bot API refuses what Telegram refuses in every field it parses as HTML or Markdown,
not only message texts: a caption with a bare '<' (the staff export once had one) fails the call."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, ReplyParameters

from bot.transport.session import create_session
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.media_fixtures import voice_note


@pytest.fixture
async def client(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(
        TOKEN, session=create_session(telegram.base_url, retry=False), default=DefaultBotProperties(parse_mode="HTML")
    )
    yield bot
    await bot.session.close()


async def test_captions_are_parsed_as_strictly_as_texts(telegram: FakeTelegram, client: Bot) -> None:
    upload = BufferedInputFile(b"a,b\n", filename="export.csv")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await client.send_document(5, upload, caption="counts under 5 shown as <5.")
    await client.send_document(5, upload, caption="counts under 5 shown as &lt;5.")
    assert telegram.files[-1][2] == "export.csv"
    telegram.protocol_errors.clear()  # the refusal above was the point


async def test_other_parsed_fields_and_markdown_are_checked(telegram: FakeTelegram, client: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await client.send_message(5, "ok", reply_parameters=ReplyParameters(
            message_id=1, quote="<i>unclosed", quote_parse_mode="HTML"))  # fmt: skip
    with pytest.raises(TelegramBadRequest, match="reserved"):
        await client.send_message(5, "version 1.5", parse_mode="MarkdownV2")
    await client.send_message(5, "version 1\\.5 *bold*", parse_mode="MarkdownV2")
    with pytest.raises(TelegramBadRequest, match="can't find end"):
        await client.send_message(5, "*bold", parse_mode="MarkdownV2")
    telegram.protocol_errors.clear()


async def test_a_voice_note_must_be_ogg_opus_and_a_file_id_one_telegram_gave(
    telegram: FakeTelegram, client: Bot, tmp_path: Path
) -> None:
    """Like Telegram: an OGG/Opus upload arrives as a voice note with a file_id that can be sent again;
    anything else sent as a voice arrives as a plain file; a file_id Telegram never gave is refused."""
    opus = voice_note(tmp_path / "a.ogg")
    sent = await client.send_voice(5, BufferedInputFile(opus, filename="a.ogg"))
    assert sent.voice is not None
    again = await client.send_voice(6, sent.voice.file_id)
    assert again.voice is not None and again.voice.file_id == sent.voice.file_id
    assert len(telegram.files) == 1, "sent again by file_id, not uploaded"

    vorbis = voice_note(tmp_path / "b.ogg", codec="libvorbis")
    as_file = await client.send_voice(5, BufferedInputFile(vorbis, filename="b.ogg"))
    assert as_file.voice is None and as_file.document is not None

    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await client.send_voice(5, "AwACAgIAAxkBAAIBm2VmadeUp")
    telegram.protocol_errors.clear()  # the refusal above was the point
