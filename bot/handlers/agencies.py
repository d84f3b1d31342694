"""The agency check: typed name or licence number in, licensed / expired / not found out."""

import html
from datetime import date

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.clock import Clock
from bot.common.navigation import NavAction
from bot.content.rendering import day_text
from bot.handlers.callback_data import StartTool
from bot.handlers.filters import NoText, PrivateChat, TypedText
from bot.handlers.screens import add_nav_row
from bot.handlers.states import AgencyCheck
from bot.handlers.typed_input import TYPED_ANSWER, not_text
from bot.i18n.tools import (
    AGENCY_AGAIN,
    AGENCY_EXPIRED,
    AGENCY_HOW_TO_CONFIRM,
    AGENCY_LICENSED,
    AGENCY_LICENSED_NO_END,
    AGENCY_LIST_DATE,
    AGENCY_NO_LIST,
    AGENCY_NOT_FOUND,
    AGENCY_SIMILAR,
    AGENCY_TOO_LONG,
    REPORT_BUTTON,
)
from bot.services.agency_search import AgencyIndex, AgencyMatch
from bot.services.content_holder import ContentHolder

MAX_NAME_CHARS = 200


def describe(matches: list[AgencyMatch], typed: str, index: AgencyIndex, today: date) -> str:
    """The answer to one look-up, in the user's language; licences are judged valid or not on `today`."""
    parts: list[str] = []
    if not len(index):
        parts.append(_(AGENCY_NO_LIST))
    elif not matches:
        parts.append(_(AGENCY_NOT_FOUND).format(typed=html.escape(typed)))
    for match in matches:
        agency = match.agency
        fields = {"name": html.escape(match.name), "licence": html.escape(agency.licence)}
        if agency.valid_until is None:
            parts.append(_(AGENCY_LICENSED_NO_END).format(**fields))
        elif not match.is_valid_on(today):
            parts.append(_(AGENCY_EXPIRED).format(until=day_text(agency.valid_until), **fields))
        else:
            parts.append(_(AGENCY_LICENSED).format(until=day_text(agency.valid_until), **fields))
    if matches and matches[0].similarity < 1.0:
        parts.append(_(AGENCY_SIMILAR))
    if not matches or not all(m.is_valid_on(today) for m in matches):
        parts.append(_(AGENCY_HOW_TO_CONFIRM))
    if index.registry.list_taken is not None:
        parts.append(f"<i>{_(AGENCY_LIST_DATE).format(date=day_text(index.registry.list_taken))}</i>")
    if len(index):
        parts.append(_(AGENCY_AGAIN))
    return "\n\n".join(parts)


def answer_keyboard() -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    builder.button(text=_(REPORT_BUTTON), callback_data=StartTool(name="report_offer"))
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return builder


async def look_up(message: Message, content: ContentHolder, clock: Clock) -> None:
    typed = (message.text or "").strip()
    if len(typed) > MAX_NAME_CHARS:
        await message.answer(_(AGENCY_TOO_LONG))
        return
    index = content.current.agencies
    answer = describe(index.find(typed), typed, index, clock.now().date())
    await message.answer(answer, reply_markup=answer_keyboard().as_markup())


def build_router() -> Router:
    router = Router(name="agencies")
    router.message.filter(PrivateChat(), StateFilter(AgencyCheck.query))
    router.message.register(look_up, TypedText(), flags=TYPED_ANSWER)
    router.message.register(not_text, NoText())
    return router
