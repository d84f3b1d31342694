"""The last router: an update that failed is logged without its text, and the process keeps running."""

import logging

from aiogram import Router
from aiogram.types import ErrorEvent

log = logging.getLogger(__name__)


def errors_router() -> Router:
    """Logs an update that failed, without its text, and keeps the process running."""
    router = Router(name="errors")

    @router.error()
    async def log_error(event: ErrorEvent) -> bool:
        log.error(
            "update %s (%s) failed: %s",
            event.update.update_id,
            event.update.event_type,
            type(event.exception).__name__,
            exc_info=event.exception,
        )
        return True

    return router
