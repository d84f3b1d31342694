"""Sends recordings and pictures, uploading each file once.

Telegram answers an upload with a `file_id` that this bot can send again in any chat without
the bytes: it is kept against the file's content hash (`TelegramFileStore`), so a restart or
another worker sends the same file by name, and a changed file (another hash) is uploaded anew.
"""

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.content.media import Picture, Recording, content_hash
from bot.storage.stores.telegram_files import TelegramFileStore

log = logging.getLogger(__name__)


class MediaUnavailable(Exception):
    """The file is gone or unreadable since the content was loaded: the person is told, the bot goes on."""


class MediaSender:
    def __init__(self, files: TelegramFileStore) -> None:
        self._files = files

    async def send_voice(
        self, bot: Bot, chat_id: int, recording: Recording, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        async def by_id(file_id: str) -> Message:
            return await bot.send_voice(chat_id, file_id, reply_markup=markup)

        async def upload(data: bytes) -> tuple[Message, str | None]:
            sent = await bot.send_voice(
                chat_id, BufferedInputFile(data, Path(recording.name).name), reply_markup=markup
            )
            return sent, sent.voice.file_id if sent.voice else None

        return await self._send(recording.path, recording.digest, "voice", by_id, upload)

    async def send_photo(
        self, bot: Bot, chat_id: int, picture: Picture, caption: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        """`caption` is plain text (editors write no markup in captions): escaped for the HTML parse mode."""
        escaped = html.escape(caption, quote=False)

        async def by_id(file_id: str) -> Message:
            return await bot.send_photo(chat_id, file_id, caption=escaped, reply_markup=markup)

        async def upload(data: bytes) -> tuple[Message, str | None]:
            photo = BufferedInputFile(data, Path(picture.name).name)
            sent = await bot.send_photo(chat_id, photo, caption=escaped, reply_markup=markup)
            return sent, sent.photo[-1].file_id if sent.photo else None

        return await self._send(picture.path, picture.digest, "photo", by_id, upload)

    async def _send(
        self,
        path: Path,
        digest: str,
        kind: str,
        by_id: Callable[[str], Awaitable[Message]],
        upload: Callable[[bytes], Awaitable[tuple[Message, str | None]]],
    ) -> Message:
        known = await self._files.file_id(digest)
        if known is not None:
            try:
                return await by_id(known)
            except TelegramBadRequest as error:  # another bot token, or Telegram dropped the file
                log.warning("a kept %s file_id was refused, uploading again: %s", kind, error.message)
                await self._files.forget(digest)
        try:
            data = await asyncio.to_thread(path.read_bytes)
        except OSError as error:
            log.warning("a %s file cannot be read since the content was loaded: %s", kind, error.strerror)
            raise MediaUnavailable(path.name) from error
        sent, file_id = await upload(data)
        if file_id:
            await self._files.remember(content_hash(data), kind, file_id)
        return sent
