"""What nothing else handled: unknown commands, stickers and photos, buttons never issued."""

import html

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.navigation import NavAction
from bot.handlers.conversation import move
from bot.handlers.counsellors import offer_for_media
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import add_nav_row, screen_markup
from bot.handlers.stale import answer_stale
from bot.i18n import N_
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open

MEDIA_WITHOUT_DESK = N_(
    "Safar cannot listen to voice messages or open videos and files, and there is no one here to do it "
    "instead. Type your question in words, or forward a message that has the text in it. If you are "
    "in danger now, the hotlines help at once: press 🆘."
)


async def not_understood(
    message: Message, state: FSMContext, content: ContentHolder, language: str, desk: CounsellorDesk | None = None
) -> None:
    media = message.voice or message.photo or message.video or message.video_note or message.document or message.audio
    if media and desk_open(desk):
        await offer_for_media(message)  # Safar cannot read it; a counsellor can
        return
    if media:  # no counsellors here: what Safar can do instead, and the hotlines a tap away
        builder = InlineKeyboardBuilder()
        add_nav_row(builder, [NavAction.HELP, NavAction.HOME])
        await message.answer(html.escape(_(MEDIA_WITHOUT_DESK)), reply_markup=builder.as_markup())
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
