"""The counsellors' desk's Bot API calls (`DeskTelegram`): topics in the counsellors' group and
copies both ways. A refusal from the group means Safar lost its rights there (DeskUnavailable); a
refusal from a person's chat means that person cannot be reached (PersonUnreachable)."""

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

from bot.services.counsellor_desk import DeskUnavailable, NothingToCopy, PersonUnreachable

REFUSALS = (TelegramBadRequest, TelegramForbiddenError)
NOT_FOUND = "message to copy not found"
"""Telegram's answer when the message named is not in the chat it is copied from."""


class ForumTopics:
    def __init__(self, bot: Bot, group_id: int) -> None:
        self._bot = bot
        self._group = group_id

    async def create_topic(self, name: str) -> int:
        try:
            topic = await self._bot.create_forum_topic(self._group, name)
        except REFUSALS as error:
            raise DeskUnavailable(error.message) from error
        return topic.message_thread_id

    async def copy_to_topic(self, topic_id: int, from_chat: int, message_id: int) -> None:
        try:
            await self._bot.copy_message(self._group, from_chat, message_id, message_thread_id=topic_id)
        except REFUSALS as error:
            if NOT_FOUND in error.message:
                raise NothingToCopy(error.message) from error
            raise DeskUnavailable(error.message) from error

    async def copy_to_person(self, chat_id: int, message_id: int) -> None:
        try:
            await self._bot.copy_message(chat_id, self._group, message_id)
        except REFUSALS as error:
            raise PersonUnreachable(error.message) from error

    async def tell_topic(self, topic_id: int | None, text: str) -> None:
        """A notice from Safar in a case's topic, or in the general topic (None)."""
        try:
            await self._bot.send_message(self._group, text, message_thread_id=topic_id, parse_mode=None)
        except REFUSALS as error:
            raise DeskUnavailable(error.message) from error

    async def close_topic(self, topic_id: int) -> None:
        try:
            await self._bot.close_forum_topic(self._group, topic_id)
        except REFUSALS as error:
            raise DeskUnavailable(error.message) from error

    async def delete_topic(self, topic_id: int) -> None:
        try:
            await self._bot.delete_forum_topic(self._group, topic_id)
        except REFUSALS as error:
            raise DeskUnavailable(error.message) from error
