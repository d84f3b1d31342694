"""Reporting a suspicious offer: problem, country, agency name, optional details. No identifier
of the sender is stored with it; a daily count keyed with the day's salt only limits floods.

A sent report waits in memory to be written with other people's rows (bot/services/unlinked_writes.py):
the sender is told so at once, and the same message turns into a ✅ once the report is stored. A
process that dies first loses the report, and the message says to send it again if no ✅ comes.
"""

from aiogram import Bot, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.clock import Clock
from bot.common.navigation import NavAction
from bot.handlers.callback_data import ReportChoice, SkipDetails
from bot.handlers.filters import NoText, PrivateChat, TypedText
from bot.handlers.screens import add_nav_row, replace_screen
from bot.handlers.stale import answer_stale
from bot.handlers.states import ReportOffer
from bot.handlers.typed_input import TYPED_ANSWER, not_text
from bot.i18n.tools import (
    COUNTRIES,
    PROBLEMS,
    REPORT_AGENCY,
    REPORT_COUNTRY,
    REPORT_DETAILS,
    REPORT_LIMIT,
    REPORT_SKIP,
    REPORT_THANKS,
    REPORT_TOO_LONG,
    REPORT_WAITING,
)
from bot.services.content_holder import ContentHolder
from bot.services.report_writer import SentReport
from bot.services.unlinked_writes import RowKind, Then
from bot.storage.stores.reports import DAILY_REPORTS_PER_USER
from bot.storage.stores.tallies import Tally, day_of

MAX_AGENCY_CHARS = 200
MAX_DETAILS_CHARS = 1000


def _nav() -> InlineKeyboardBuilder:
    builder = InlineKeyboardBuilder()
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    return builder


async def choose(
    query: CallbackQuery,
    callback_data: ReportChoice,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    current = await state.get_state()
    report = dict((await state.get_data()).get("report") or {})
    if callback_data.step == "p" and current == ReportOffer.problem.state and callback_data.value in PROBLEMS:
        report["problem"] = callback_data.value
        await state.update_data(report=report)
        await state.set_state(ReportOffer.country)
        builder = InlineKeyboardBuilder()
        for value, label in COUNTRIES.items():
            builder.button(text=_(label), callback_data=ReportChoice(step="c", value=value))
        builder.adjust(2)
        add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
        await replace_screen(query, _(REPORT_COUNTRY), builder.as_markup())
    elif callback_data.step == "c" and current == ReportOffer.country.state and callback_data.value in COUNTRIES:
        report["country"] = callback_data.value
        await state.update_data(report=report)
        await state.set_state(ReportOffer.agency)
        await replace_screen(query, _(REPORT_AGENCY), _nav().as_markup())
    else:  # a button from an earlier report or after the user left the report
        await answer_stale(query, state, content, language, callback_answer)


async def agency_typed(message: Message, state: FSMContext) -> None:
    typed = (message.text or "").strip()
    if len(typed) > MAX_AGENCY_CHARS:
        await message.answer(_(REPORT_TOO_LONG).format(limit=MAX_AGENCY_CHARS))
        return
    report = dict((await state.get_data()).get("report") or {})
    report["agency"] = typed
    await state.update_data(report=report)
    await state.set_state(ReportOffer.details)
    builder = InlineKeyboardBuilder()
    builder.button(text=_(REPORT_SKIP), callback_data=SkipDetails())
    add_nav_row(builder, [NavAction.HOME, NavAction.HELP])
    await message.answer(_(REPORT_DETAILS), reply_markup=builder.as_markup())


async def details_typed(
    message: Message,
    state: FSMContext,
    report_batch: RowKind[SentReport],
    tally: Tally,
    user_key: str,
    clock: Clock,
    bot: Bot,
) -> None:
    details = (message.text or "").strip()
    if len(details) > MAX_DETAILS_CHARS:
        await message.answer(_(REPORT_TOO_LONG).format(limit=MAX_DETAILS_CHARS))
        return
    report = await _take(state, tally, user_key, details, clock)
    if report is None:
        await message.answer(_(REPORT_LIMIT).format(limit=DAILY_REPORTS_PER_USER), reply_markup=_nav().as_markup())
        return
    waiting = await message.answer(_(REPORT_WAITING), reply_markup=_nav().as_markup())
    report_batch.add(report, person=user_key, then=_confirmation(bot, waiting.chat.id, waiting.message_id))


async def details_skipped(
    query: CallbackQuery,
    state: FSMContext,
    report_batch: RowKind[SentReport],
    tally: Tally,
    user_key: str,
    content: ContentHolder,
    clock: Clock,
    language: str,
    callback_answer: CallbackAnswer,
    bot: Bot,
) -> None:
    if await state.get_state() != ReportOffer.details.state:
        await answer_stale(query, state, content, language, callback_answer)
        return
    report = await _take(state, tally, user_key, "", clock)
    if report is None:
        await replace_screen(query, _(REPORT_LIMIT).format(limit=DAILY_REPORTS_PER_USER), _nav().as_markup())
        return
    waiting = await replace_screen(query, _(REPORT_WAITING), _nav().as_markup())
    confirm = _confirmation(bot, waiting.chat.id, waiting.message_id) if waiting is not None else None
    report_batch.add(report, person=user_key, then=confirm)


async def _take(state: FSMContext, tally: Tally, user_key: str, details: str, clock: Clock) -> SentReport | None:
    """The finished report, out of the conversation; None when the person already sent the day's most."""
    report = dict((await state.get_data()).get("report") or {})
    await state.set_state(None)
    await state.update_data(report=None)
    now = clock.now()
    if not await tally.take(day_of(now), f"report:{user_key}", DAILY_REPORTS_PER_USER):
        return None
    return SentReport(
        problem=str(report.get("problem", "other")),
        country=str(report.get("country", "other")),
        agency_typed=str(report.get("agency", "")),
        details=details,
        day=now.date(),
    )


def _confirmation(bot: Bot, chat_id: int, message_id: int) -> Then:
    """Turns the "waiting" message into the ✅ once the report is stored; in the sender's language,
    taken now, while the update's locale is set. The chat id stays in this process's memory only."""
    text, markup = f"✅ {_(REPORT_THANKS)}", _nav().as_markup()

    async def confirm() -> None:
        await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)

    return confirm


def build_router() -> Router:
    router = Router(name="reports")
    router.message.filter(PrivateChat())
    router.callback_query.register(choose, ReportChoice.filter())
    router.callback_query.register(details_skipped, SkipDetails.filter())
    router.message.register(agency_typed, StateFilter(ReportOffer.agency), TypedText(), flags=TYPED_ANSWER)
    router.message.register(details_typed, StateFilter(ReportOffer.details), TypedText(), flags=TYPED_ANSWER)
    router.message.register(not_text, StateFilter(ReportOffer.agency), NoText())
    router.message.register(not_text, StateFilter(ReportOffer.details), NoText())
    return router
