"""What nothing else handled: unknown commands, stickers and photos, buttons never issued."""

import html

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from bot.handlers.conversation import move
from bot.handlers.counsellors import offer_for_media
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import screen_markup
from bot.handlers.stale import answer_stale
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open


async def not_understood(
    message: Message, state: FSMContext, content: ContentHolder, language: str, desk: CounsellorDesk | None = None
) -> None:
    if desk_open(desk) and (message.voice or message.photo or message.video or message.video_note or message.document):
        await offer_for_media(message)  # Safar cannot read it; a counsellor can
        return
    if message.text:
        hint = _("I do not know that command. Here is the menu; /sos shows the hotlines.")
    else:
        hint = _("I can read only text. Choose a topic from the menu, or type your question.")
    home = await move(state, lambda c: content.current.engine.home(c, language))
    await message.answer(f"{html.escape(hint)}\n\n{home.text}", reply_markup=screen_markup(home))


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(PrivateChat())
    router.message.register(not_understood)
    router.callback_query.register(answer_stale)  # a button no other router knows
    return router
