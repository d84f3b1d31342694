"""The counsellors' desk's Bot API calls (`DeskTelegram`): creating and deleting topics in the
counsellors' group (copies and Safar's notices go through the relay queue: bot/transport/relay_calls.py).
A refusal from the group means Safar lost its rights there (DeskUnavailable)."""

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

from bot.services.counsellor_desk import DeskUnavailable

REFUSALS = (TelegramBadRequest, TelegramForbiddenError)


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

    async def delete_topic(self, topic_id: int) -> None:
        try:
            await self._bot.delete_forum_topic(self._group, topic_id)
        except REFUSALS as error:
            raise DeskUnavailable(error.message) from error
