"""Reporting a suspicious offer: problem, country, agency name, optional details. No identifier
of the sender is stored with it; a pseudonymous daily counter only limits floods."""

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

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
)
from bot.services.agency_search import report_group_key
from bot.services.clock import Clock
from bot.services.content_holder import ContentHolder
from bot.services.dialogue import NavAction
from bot.storage.reports import DAILY_REPORTS_PER_USER, NewReport, ReportStore

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
    message: Message, state: FSMContext, reports: ReportStore, user_key: str, content: ContentHolder, clock: Clock
) -> None:
    details = (message.text or "").strip()
    if len(details) > MAX_DETAILS_CHARS:
        await message.answer(_(REPORT_TOO_LONG).format(limit=MAX_DETAILS_CHARS))
        return
    text, markup = await _send(state, reports, user_key, details, content, clock)
    await message.answer(text, reply_markup=markup)


async def details_skipped(
    query: CallbackQuery,
    state: FSMContext,
    reports: ReportStore,
    user_key: str,
    content: ContentHolder,
    clock: Clock,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    if await state.get_state() != ReportOffer.details.state:
        await answer_stale(query, state, content, language, callback_answer)
        return
    text, markup = await _send(state, reports, user_key, "", content, clock)
    await replace_screen(query, text, markup)


async def _send(
    state: FSMContext, reports: ReportStore, user_key: str, details: str, content: ContentHolder, clock: Clock
) -> tuple[str, InlineKeyboardMarkup]:
    report = dict((await state.get_data()).get("report") or {})
    await state.set_state(None)
    await state.update_data(report=None)
    now = clock.now()
    if not await reports.take_quota(user_key, now):
        return _(REPORT_LIMIT).format(limit=DAILY_REPORTS_PER_USER), _nav().as_markup()
    typed = str(report.get("agency", ""))
    await reports.add(
        NewReport(
            problem=str(report.get("problem", "other")),
            country=str(report.get("country", "other")),
            agency_typed=typed,
            agency_key=report_group_key(typed, content.current.agencies, await reports.reported_keys()),
            details=details,
        ),
        now,
    )
    return _(REPORT_THANKS), _nav().as_markup()


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
