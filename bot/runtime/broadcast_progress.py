"""The staff member's broadcast progress message, kept up to date while a broadcast runs."""

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from bot.handlers.broadcast import progress_text, stop_markup
from bot.services.broadcaster import Notify
from bot.storage.stores.broadcasts import Broadcast, Progress

log = logging.getLogger(__name__)


def broadcast_progress(bot: Bot) -> Notify:
    """Keeps the staff member's progress message up to date; a failed edit is not an error."""

    async def notify(broadcast: Broadcast, progress: Progress, finished: bool) -> None:
        if broadcast.progress_message_id is None:
            return
        try:
            await bot.edit_message_text(
                progress_text(broadcast.id, progress, finished),
                chat_id=broadcast.admin_chat,
                message_id=broadcast.progress_message_id,
                reply_markup=None if finished else stop_markup(broadcast.id),
            )
        except TelegramBadRequest as error:
            log.info("broadcast progress not shown: %s", error.message)

    return notify
