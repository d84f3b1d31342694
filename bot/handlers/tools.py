"""Opening a tool from a lesson button or a command: the agency check and the offer report."""

from collections.abc import Awaitable, Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.navigation import NavAction
from bot.content.curriculum import node_ref
from bot.handlers.adverts import offer_checks
from bot.handlers.callback_data import OpenNode, ReportChoice, StartTool
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import add_nav_row, replace_screen
from bot.handlers.stale import answer_stale
from bot.handlers.states import AgencyCheck, ReportOffer
from bot.i18n.tools import AGENCY_HOW_TO_CONFIRM, AGENCY_PROMPT, AGENCY_UNAVAILABLE, PROBLEMS, REPORT_INTRO
from bot.services.content_holder import ContentHolder
from bot.understanding.search import screen_title


def agency_prompt() -> tuple[str, InlineKeyboardBuilder]:
    builder = InlineKeyboardBuilder()
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return _(AGENCY_PROMPT), builder


def agency_unavailable(content: ContentHolder, language: str) -> tuple[str, InlineKeyboardBuilder]:
    """Without the licensed list, say so before anyone types a name, and offer what helps instead."""
    curriculum = content.current.curriculum
    builder = InlineKeyboardBuilder()
    for node_id in offer_checks(curriculum):
        builder.button(text=screen_title(curriculum, node_id, language), callback_data=OpenNode(ref=node_ref(node_id)))
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return f"{_(AGENCY_UNAVAILABLE)}\n\n{_(AGENCY_HOW_TO_CONFIRM)}", builder


def report_start() -> tuple[str, InlineKeyboardBuilder]:
    builder = InlineKeyboardBuilder()
    for value, label in PROBLEMS.items():
        builder.button(text=_(label), callback_data=ReportChoice(step="p", value=value))
    builder.adjust(1)
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return _(REPORT_INTRO), builder


async def start_agency_check(
    state: FSMContext, content: ContentHolder, language: str
) -> tuple[str, InlineKeyboardBuilder]:
    """Put the user where typed text is an agency name, and return the prompt; with no list loaded,
    leave typed text to search and say what helps instead."""
    if not len(content.current.agencies):
        await state.set_state(None)
        return agency_unavailable(content, language)
    await state.set_state(AgencyCheck.query)
    return agency_prompt()


async def start_report(state: FSMContext, content: ContentHolder, language: str) -> tuple[str, InlineKeyboardBuilder]:
    """Begin an empty report, and return its first question."""
    await state.set_state(ReportOffer.problem)
    await state.update_data(report={})
    return report_start()


TOOLS: dict[str, Callable[[FSMContext, ContentHolder, str], Awaitable[tuple[str, InlineKeyboardBuilder]]]] = {
    "agency_check": start_agency_check,
    "report_offer": start_report,
}
"""The tools a lesson button can open, by the name content uses (`tool:`)."""


async def tool_button(
    query: CallbackQuery,
    callback_data: StartTool,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    start = TOOLS.get(callback_data.name)
    if start is None:
        await answer_stale(query, state, content, language, callback_answer)
        return
    text, builder = await start(state, content, language)
    await replace_screen(query, text, builder.as_markup())


async def agency_command(message: Message, state: FSMContext, content: ContentHolder, language: str) -> None:
    text, builder = await start_agency_check(state, content, language)
    await message.answer(text, reply_markup=builder.as_markup())


async def report_command(message: Message, state: FSMContext, content: ContentHolder, language: str) -> None:
    text, builder = await start_report(state, content, language)
    await message.answer(text, reply_markup=builder.as_markup())


def build_router() -> Router:
    router = Router(name="tools")
    router.message.filter(PrivateChat())
    router.callback_query.register(tool_button, StartTool.filter())
    router.message.register(agency_command, Command("agency"))
    router.message.register(report_command, Command("report"))
    return router
