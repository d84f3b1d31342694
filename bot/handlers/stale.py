"""Buttons from old messages whose target is gone: a friendly word and the current menu."""

import html

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _

from bot.handlers.conversation import move
from bot.handlers.screens import screen_markup, share_button
from bot.i18n import N_
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk, desk_open

MENU_CHANGED = N_("This menu has changed. Here is the current one.")


async def answer_stale(
    query: CallbackQuery,
    state: FSMContext,
    content: ContentHolder,
    language: str,
    callback_answer: CallbackAnswer,
    desk: CounsellorDesk | None = None,
) -> None:
    """The sentence and the menu as a new message at the bottom of the chat, where the person
    looks: the pressed message may be far up, where an edit goes unseen (or, already the menu, shows
    no change at all). The old message stays as it was; its other buttons may still work."""
    callback_answer.text = _(MENU_CHANGED)
    screen = await move(state, lambda c: content.current.engine.home(c, language))
    markup = screen_markup(screen, await share_button(query.bot, screen), talk=desk_open(desk))
    if query.bot is not None:
        text = f"{html.escape(_(MENU_CHANGED))}\n\n{screen.text}"
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)
