"""After a case ends: one optional question, "Did this help?", answered with one tap and counted
once, never linked to the person or the case (services/desk_figures.py)."""

import html

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.callback_data import DeskHelped
from bot.handlers.screens import replace_screen
from bot.services.counsellor_desk import CounsellorDesk
from bot.storage.stores.counsellor_cases import OpenCase


def helped_markup(case_id: int, locale: str | None = None) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("👍 Yes", locale=locale), callback_data=DeskHelped(case=case_id, answer="yes"))
    builder.button(text=_("🤏 Partly", locale=locale), callback_data=DeskHelped(case=case_id, answer="partly"))
    builder.button(text=_("👎 No", locale=locale), callback_data=DeskHelped(case=case_id, answer="no"))
    return builder.as_markup()


async def ask_if_it_helped(bot: Bot | None, chat_id: int, case: OpenCase) -> None:
    """The question, in the person's language (a counsellor's /close is the counsellor's update)."""
    if bot is None:
        return
    text = _(
        "Did this conversation help you? One tap, if you like: answers are only counted, "
        "never linked to you or your case.",
        locale=case.language,
    )
    await bot.send_message(chat_id, html.escape(text), reply_markup=helped_markup(case.case_id, case.language))


async def helped(query: CallbackQuery, callback_data: DeskHelped, desk: CounsellorDesk | None, user_key: str) -> None:
    """Counted the first time; a second tap, an older case's button or one past the case's grace
    period is thanked too, and counts nothing."""
    if desk is not None and await desk.helped(user_key, callback_data.case, callback_data.answer):
        text = _("Thank you. Your answer is counted.")
    else:
        text = _("Thank you: this question has been answered already, or it has closed.")
    await replace_screen(query, html.escape(text), None)
