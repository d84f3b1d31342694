"""Bulk delivery: one message sent, Telegram's errors turned into the bulk sender's own terms."""

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.services.sender import ChatBlocked, Deliver, Outgoing, RetryAfter, TemporaryFailure


def bulk_delivery(bot: Bot) -> Deliver:
    """Sends one bulk message, turning Telegram's errors into the sender's own terms."""

    async def deliver(item: Outgoing) -> None:
        try:
            await bot.send_message(item.chat_id, item.text, reply_markup=item.markup)
        except TelegramRetryAfter as error:
            raise RetryAfter(error.retry_after) from error
        except TelegramForbiddenError as error:
            raise ChatBlocked() from error
        except TelegramBadRequest as error:
            if "chat not found" in error.message.lower():
                raise ChatBlocked() from error
            raise
        except (TelegramServerError, TelegramNetworkError) as error:
            raise TemporaryFailure(str(error)) from error

    return deliver
