"""Every Bot API call watched: failures counted by code, 429s and their waits, and the heartbeat of
long polling (a `getUpdates` that returned), which the health check reads."""

import time
from typing import ClassVar

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.observability.metrics import BOT_API_ERRORS, FLOOD_WAIT_SECONDS, FLOOD_WAITS


class Heartbeat:
    """When long polling last heard from Telegram; starts at creation, so start-up is not an outage."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def beat(self) -> None:
        self.last = time.monotonic()

    def age(self) -> float:
        return time.monotonic() - self.last


class ObserveRequests(BaseRequestMiddleware):
    """Innermost request middleware: it sees each attempt, so every retried 429 is counted."""

    CODES: ClassVar[tuple[tuple[type[TelegramAPIError], str], ...]] = (
        (TelegramRetryAfter, "429"),
        (TelegramBadRequest, "400"),
        (TelegramUnauthorizedError, "401"),
        (TelegramForbiddenError, "403"),
        (TelegramNotFound, "404"),
        (TelegramConflictError, "409"),
        (TelegramEntityTooLarge, "413"),
        (TelegramServerError, "5xx"),
        (TelegramNetworkError, "network"),
    )

    def __init__(self, heartbeat: Heartbeat | None) -> None:
        self._heartbeat = heartbeat

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            response = await make_request(bot, method)
        except TelegramAPIError as error:
            code = next((code for kind, code in self.CODES if isinstance(error, kind)), "other")
            BOT_API_ERRORS.labels(method.__api_method__, code).inc()
            if isinstance(error, TelegramRetryAfter):
                FLOOD_WAITS.inc()
                FLOOD_WAIT_SECONDS.inc(error.retry_after)
            raise
        if self._heartbeat is not None and isinstance(method, GetUpdates):
            self._heartbeat.beat()
        return response
