"""The minimal aiogram bot the load benchmark compares Safar with.

It does the least a menu bot can: every message gets a reply with a two-button keyboard, every
button press is answered and the message edited with the same keyboard. Long polling, defaults.

    BOT_TOKEN=... BOT_API_BASE_URL=http://127.0.0.1:8081 python scripts/baseline_bot.py

With BASELINE_MODELS_ON_DEMAND=1 it has aiogram build its Telegram models on first use, as Safar's
process does (bot/common/telegram_models_on_demand.py): `bench_load.py --baseline-on-demand`.
"""

import asyncio
import os

if os.environ.get("BASELINE_MODELS_ON_DEMAND") == "1":
    from bot.common.telegram_models_on_demand import build_telegram_models_on_demand

    build_telegram_models_on_demand()

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="One", callback_data="one")],
        [InlineKeyboardButton(text="Two", callback_data="two")],
    ]
)


async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["BOT_API_BASE_URL"]))
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def reply(message: Message) -> None:
        await message.answer("Choose:", reply_markup=KEYBOARD)

    @dispatcher.callback_query()  # no filter: aiogram would run a magic F filter in a thread
    async def press(query: CallbackQuery) -> None:
        await query.answer()
        if query.message is not None:
            await bot.edit_message_text(
                f"You chose {query.data}.",
                chat_id=query.message.chat.id,
                message_id=query.message.message_id,
                reply_markup=KEYBOARD,
            )

    await dispatcher.start_polling(bot, polling_timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
