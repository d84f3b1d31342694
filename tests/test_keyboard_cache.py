"""A remembered keyboard is sent exactly as aiogram would serialise it."""

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram_session import KEYBOARDS, SafarSession
from tests.fake_telegram import TOKEN


def test_a_remembered_keyboard_is_sent_as_aiogram_would_send_it() -> None:
    session = SafarSession()
    bot = Bot(TOKEN, session=session)
    buttons = [
        InlineKeyboardButton(text="Оё ҳа? “x”", callback_data="g:abc"),
        InlineKeyboardButton(text="u", url="https://x.org"),
    ]
    keyboard = InlineKeyboardMarkup(inline_keyboard=[buttons])
    same_shape = keyboard.model_copy(deep=True)
    assert KEYBOARDS.remember(keyboard) is keyboard
    assert session.prepare_value(keyboard, bot, {}) == session.prepare_value(same_shape, bot, {})
    assert KEYBOARDS.get(same_shape) is None, "only the very object remembered"
