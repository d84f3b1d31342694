"""The relay queue's Bot API calls (`RelayCalls`), on the client that does not retry by itself:
the queue waits out a 429 against the group's shared budget and keeps a case's order, so it must
see each error as it comes. A 403 is a person who blocked Safar (or a group that removed it); a
400 a message Telegram will not copy: both final. Network and server errors are worth a retry."""

from collections.abc import Awaitable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardMarkup, ReplyParameters

from bot.services.counsellor_relays import RelayRefused
from bot.services.sender import RetryAfter, TemporaryFailure
from bot.storage.stores.counsellor_relays import Direction, QueuedRelay


class RelayDelivery:
    def __init__(self, bot: Bot, group_id: int) -> None:
        self._bot = bot
        self._group = group_id

    async def copy(self, relay: QueuedRelay) -> None:
        if relay.direction is Direction.TO_TOPIC:
            call = self._bot.copy_message(
                self._group, relay.chat_id, relay.message_id, message_thread_id=relay.topic_id
            )
        else:
            call = self._bot.copy_message(relay.chat_id, self._group, relay.message_id)
        await _in_queue_terms(call)

    async def tell_topic(self, topic_id: int | None, text: str, reply_to: int | None = None) -> None:
        """Plain text from Safar in a case's topic (under the message it is about), or the general topic."""
        reply = ReplyParameters(message_id=reply_to, allow_sending_without_reply=True) if reply_to else None
        await _in_queue_terms(
            self._bot.send_message(
                self._group, text, message_thread_id=topic_id, reply_parameters=reply, parse_mode=None
            )
        )

    async def close_topic(self, topic_id: int) -> None:
        await _in_queue_terms(self._bot.close_forum_topic(self._group, topic_id))

    async def tell_person(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await _in_queue_terms(self._bot.send_message(chat_id, text, reply_markup=markup))


async def _in_queue_terms(call: Awaitable[object]) -> None:
    try:
        await call
    except TelegramRetryAfter as error:
        raise RetryAfter(error.retry_after) from error
    except TelegramForbiddenError as error:
        raise RelayRefused(blocked=True) from error
    except (TelegramServerError, TelegramNetworkError) as error:
        raise TemporaryFailure(type(error).__name__) from error
    except TelegramAPIError as error:  # 400 and the rest: repeating the same request cannot help
        raise RelayRefused(blocked="chat not found" in error.message.lower()) from error
