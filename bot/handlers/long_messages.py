"""Staff answers that may be longer than one Telegram message go out as several, each within
4096 UTF-16 units and with its tags paired (bot.services.html_split); buttons go on the last."""

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.handlers.screens import replace_screen
from bot.services.html_split import split_html

MORE_NOT_SHOWN = "… (more not shown)"


def message_parts(text: str, max_parts: int | None = None) -> list[str]:
    """`text` as messages; with `max_parts`, the rest is replaced by a note that it was left out."""
    parts = split_html(text)
    if max_parts is not None and len(parts) > max_parts:
        parts = [*parts[: max_parts - 1], MORE_NOT_SHOWN]
    return parts


async def answer_in_parts(
    message: Message, text: str, markup: InlineKeyboardMarkup | None = None, max_parts: int | None = None
) -> None:
    parts = message_parts(text, max_parts)
    for number, part in enumerate(parts, 1):
        await message.answer(part, reply_markup=markup if number == len(parts) else None)


async def replace_in_parts(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message the button was on into the first part; send the others after it."""
    first, *rest = message_parts(text)
    await replace_screen(query, first, None if rest else markup)
    for number, part in enumerate(rest, 1):
        if query.bot is not None:
            await query.bot.send_message(query.from_user.id, part, reply_markup=markup if number == len(rest) else None)
