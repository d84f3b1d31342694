"""Free text: danger first (hotlines and the red-flag check), then the screens that fit, or a hint
and the menu. Nothing typed is kept or logged."""

import html

from aiogram import Router
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.content import Curriculum
from bot.content.curriculum import NodeId, node_ref
from bot.handlers.callback_data import OpenNode
from bot.handlers.conversation import move
from bot.handlers.filters import PrivateChat, TypedText
from bot.handlers.screens import add_nav_row, screen_markup
from bot.i18n.messages import DANGER_CHOOSE_COUNTRY, DANGER_FIRST, SEARCH_FOUND, SEARCH_NOTHING_FOUND
from bot.services.content_holder import ContentHolder
from bot.services.danger_view import EMERGENCY_NEED, DangerView, choice_label, danger_view
from bot.services.dialogue import NavAction
from bot.services.engagement import track
from bot.services.search import SearchAnswer, screen_title
from bot.telegram_limits import MAX_MESSAGE_CHARS

MAX_QUERY_CHARS = 500
"""Longer texts are not searched: nobody asks a question that long, and it costs time."""


async def free_text(message: Message, state: FSMContext, content: ContentHolder, language: str) -> None:
    loaded = content.current
    answer = loaded.search.find((message.text or "")[:MAX_QUERY_CHARS], language)
    track("search", "found" if answer.nodes or answer.is_danger else "none")
    curriculum = loaded.curriculum
    if answer.is_danger:
        view = danger_view(curriculum, answer.country)
        await message.answer(
            danger_text(curriculum, view, language), reply_markup=danger_markup(curriculum, view, answer, language)
        )
        return
    if not answer.nodes:
        home = await move(state, lambda c: loaded.engine.home(c, language))
        hint = _(SEARCH_NOTHING_FOUND)
        await message.answer(f"{html.escape(hint)}\n\n{home.text}", reply_markup=screen_markup(home))
        return
    builder = InlineKeyboardBuilder()
    _add_screens(builder, curriculum, answer.nodes, language)
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    await message.answer(html.escape(_(SEARCH_FOUND)), reply_markup=builder.as_markup())


def danger_text(curriculum: Curriculum, view: DangerView, language: str) -> str:
    """The alarm: a kind word, then the country's hotlines, or every country's emergency numbers."""
    intro = html.escape(_(DANGER_FIRST))
    if view.country_screen is not None:
        numbers = curriculum.render_text(view.country_screen, language)
    else:
        numbers = curriculum.contact_renderer.matching(language, need=EMERGENCY_NEED)
    text = f"{intro}\n\n{numbers}"
    if view.choices:
        text += f"\n\n{html.escape(_(DANGER_CHOOSE_COUNTRY))}"
    # Each piece fits on its own (the content check sees to the screens); together they may not.
    return text if len(text.encode("utf-16-le")) // 2 <= MAX_MESSAGE_CHARS else numbers


def danger_markup(
    curriculum: Curriculum, view: DangerView, answer: SearchAnswer, language: str
) -> InlineKeyboardMarkup:
    """Country choices, the red-flag check, then the other screens the message matched."""
    builder = InlineKeyboardBuilder()
    for choice in view.choices:
        builder.button(
            text=choice_label(curriculum, choice, language), callback_data=OpenNode(ref=node_ref(choice.node))
        )
    shown = {choice.node for choice in view.choices}
    if view.red_flag_check is not None:
        shown.add(view.red_flag_check)
        builder.button(
            text=curriculum.title(view.red_flag_check.lesson, language),
            callback_data=OpenNode(ref=node_ref(view.red_flag_check)),
        )
    _add_screens(builder, curriculum, [node for node in answer.nodes if node not in shown], language)
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return builder.as_markup()


def _add_screens(builder: InlineKeyboardBuilder, curriculum: Curriculum, nodes: list[NodeId], language: str) -> None:
    for node_id in nodes:
        builder.button(text=screen_title(curriculum, node_id, language), callback_data=OpenNode(ref=node_ref(node_id)))


def build_router() -> Router:
    router = Router(name="search")
    router.message.filter(PrivateChat())
    router.message.register(free_text, TypedText())
    return router
