"""A remembered keyboard is sent exactly as aiogram would serialise it."""

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram_session import KEYBOARDS, SafarSession
from tests.fake_telegram import TOKEN


def fields(form: object) -> dict[str, object]:
    return {options["name"]: value for options, _, value in form._fields}  # type: ignore[attr-defined]


def test_a_remembered_keyboard_is_sent_as_aiogram_would_send_it() -> None:
    buttons = [
        InlineKeyboardButton(text="Оё ҳа? “x”", callback_data="g:abc"),
        InlineKeyboardButton(text="u", url="https://x.org"),
    ]
    keyboard = KEYBOARDS.remember(InlineKeyboardMarkup(inline_keyboard=[buttons]))
    method = SendMessage(chat_id=5, text="<b>Салом</b>", reply_markup=keyboard)
    ours, aiogram = SafarSession(), AiohttpSession()
    bot = Bot(TOKEN, session=ours)
    assert fields(ours.build_form_data(bot, method)) == fields(aiogram.build_form_data(bot, method))
    assert KEYBOARDS.get(keyboard) is not None
    assert KEYBOARDS.get(keyboard.model_copy(deep=True)) is None, "only the very object remembered"
