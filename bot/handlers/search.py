"""Free text: lessons whose words match, or a short hint and the menu. Nothing typed is kept."""

import html

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.content.curriculum import node_ref
from bot.handlers.callback_data import OpenNode
from bot.handlers.conversation import move
from bot.handlers.filters import PrivateChat, TypedText
from bot.handlers.screens import add_nav_row, screen_markup
from bot.i18n.messages import SEARCH_FOUND, SEARCH_NOTHING_FOUND
from bot.services.content_holder import ContentHolder
from bot.services.dialogue import NavAction
from bot.services.engagement import track

MAX_QUERY_CHARS = 500
"""Longer texts are not searched: nobody asks a question that long, and it costs time."""


async def free_text(message: Message, state: FSMContext, content: ContentHolder, language: str) -> None:
    loaded = content.current
    found = loaded.search.find((message.text or "")[:MAX_QUERY_CHARS], language)
    track("search", "found" if found else "none")
    if not found:
        home = await move(state, lambda c: loaded.engine.home(c, language))
        hint = _(SEARCH_NOTHING_FOUND)
        await message.answer(f"{html.escape(hint)}\n\n{home.text}", reply_markup=screen_markup(home))
        return
    curriculum = loaded.curriculum
    builder = InlineKeyboardBuilder()
    for lesson_id in found:
        target = curriculum.start_of(lesson_id)
        builder.button(text=curriculum.title(lesson_id, language), callback_data=OpenNode(ref=node_ref(target)))
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    await message.answer(html.escape(_(SEARCH_FOUND)), reply_markup=builder.as_markup())


def build_router() -> Router:
    router = Router(name="search")
    router.message.filter(PrivateChat())
    router.message.register(free_text, TypedText())
    return router
