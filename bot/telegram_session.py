"""The Bot API session: where requests go, and how Telegram's transient errors are survived."""

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.services.sender import ChatBlocked, Deliver, Outgoing, RetryAfter, TemporaryFailure

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
MAX_RETRY_AFTER_SECONDS = 60
"""A longer flood wait is not waited out inside a reply; the error reaches the error handler."""


class RetryTransientErrors(BaseRequestMiddleware):
    """Waits out a 429 for exactly `retry_after`; retries 5xx and network errors with backoff.

    A 403 (the user blocked the bot) and other 4xx are not retried: repeating cannot help.
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ == GetUpdates.__api_method__:
            return await make_request(bot, method)  # the polling loop has its own backoff
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == MAX_ATTEMPTS or error.retry_after > MAX_RETRY_AFTER_SECONDS:
                    raise
                log.warning("%s: flood wait %ss", method.__api_method__, error.retry_after)
                await asyncio.sleep(error.retry_after)
            except (TelegramServerError, TelegramNetworkError) as error:
                if attempt == MAX_ATTEMPTS:
                    raise
                delay = 0.5 * 2 ** (attempt - 1)
                log.warning(
                    "%s failed (%s), retrying in %.1fs",
                    method.__api_method__,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")


def create_session(api_base_url: str, *, retry: bool = True, **kwargs: Any) -> AiohttpSession:
    """A session to the Bot API; `retry=False` for bulk sending, whose sender handles errors itself."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base_url), **kwargs)
    if retry:
        session.middleware(RetryTransientErrors())
    return session


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
