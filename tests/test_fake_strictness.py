"""The fake Bot API refuses what Telegram refuses in every field it parses as HTML or Markdown,
not only message texts: a caption with a bare '<' (the staff export once had one) fails the call."""

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, ReplyParameters

from bot.transport.session import create_session
from tests.support.fake_telegram import TOKEN, FakeTelegram


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
