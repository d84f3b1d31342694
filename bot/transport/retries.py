"""Telegram's transient errors survived: a 429 waited out, 5xx and network errors retried with backoff."""

import asyncio
import logging

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetMe, GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
"""With backoff capped at MAX_BACKOFF_SECONDS, a reply outlives about half a minute of Bot API outage."""
MAX_BACKOFF_SECONDS = 8.0
MAX_RETRY_AFTER_SECONDS = 60
"""A longer flood wait is not waited out inside a reply; the error reaches the error handler."""


class RetryTransientErrors(BaseRequestMiddleware):
    """Waits out a 429 for exactly `retry_after`; retries 5xx and network errors with backoff.

    A 403 (the user blocked the bot) and other 4xx are not retried: repeating cannot help.

    Relies on aiogram 3.31 calling request middlewares around `make_request` for every method,
    with the method object unchanged between attempts, and on `check_response` raising
    `TelegramRetryAfter` (with `retry_after`) for a 429 and `TelegramServerError` for a 5xx, and
    the session `TelegramNetworkError` for a timeout or a cut connection (tests/test_faults.py).
    """

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ in (GetUpdates.__api_method__, GetMe.__api_method__):
            # Polling has its own backoff; getMe is the start-up check, which must fail at once.
            return await make_request(bot, method)
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
                delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2 ** (attempt - 1))
                log.warning(
                    "%s failed (%s), retrying in %.1fs",
                    method.__api_method__,
                    type(error).__name__,
                    delay,
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
