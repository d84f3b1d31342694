"""The last router: an update that failed is logged without its text, and the process keeps running."""

import logging

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ErrorEvent

log = logging.getLogger(__name__)

QUERY_TOO_OLD = "query is too old"
"""Telegram's answer to answerCallbackQuery for a press already answered, or older than ~15 s."""


def errors_router() -> Router:
    """Logs an update that failed, without its text, and keeps the process running."""
    router = Router(name="errors")

    @router.error()
    async def log_error(event: ErrorEvent) -> bool:
        if isinstance(event.exception, TelegramBadRequest) and QUERY_TOO_OLD in event.exception.message:
            # A button press answered too late or twice (Telegram resent the update of a worker that
            # died after answering it): the person saw the reply; only the spinner's answer was refused.
            log.warning("update %s: the button press was already answered or is too old", event.update.update_id)
            return True
        log.error(
            "update %s (%s) failed: %s",
            event.update.update_id,
            event.update.event_type,
            type(event.exception).__name__,
            exc_info=event.exception,
        )
        return True

    return router
