"""The answer every step that waits for typed words gives to a photo, sticker or voice message."""

from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.i18n.tools import ONLY_TEXT


async def not_text(message: Message) -> None:
    """Something other than text arrived where text was asked for: ask again, the step stays."""
    await message.answer(_(ONLY_TEXT))
