"""`/start` and `/language`: choosing the language, remembered across restarts."""

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.callback_data import ChooseLanguage
from bot.handlers.conversation import move
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import add_nav_row, send_screen, show_screen
from bot.handlers.stale import answer_stale
from bot.i18n import N_
from bot.languages import LANGUAGE_NAMES, LANGUAGES
from bot.middlewares.locale import language_from_client
from bot.services.content_holder import ContentHolder
from bot.services.dialogue import NavAction
from bot.services.engagement import track
from bot.storage.events import NEW_USER_EVENT
from bot.storage.reminders import ReminderStore
from bot.storage.user_settings import UserSettingsStore

PRIVACY_NOTICE = N_(
    "🔒 Safar keeps only your language and your place in the lessons, never your name, number or "
    "messages. Reminders and news only if you ask for them. /privacy tells more; /forget erases everything."
)


def picker(i18n: I18n, preselected: str) -> tuple[str, InlineKeyboardMarkup]:
    """The prompt in every language (the likely one first), one button per language, and help:
    someone in danger should not have to choose a language before seeing a hotline."""
    order = [preselected, *(code for code in LANGUAGES if code != preselected)]
    text = "\n".join(html.escape(i18n.gettext("Choose your language", locale=code)) for code in order)
    builder = InlineKeyboardBuilder()
    for code in LANGUAGES:
        mark = "✅ " if code == preselected else ""
        builder.button(text=f"{mark}{LANGUAGE_NAMES[code]}", callback_data=ChooseLanguage(code=code))
    builder.adjust(2)
    with i18n.use_locale(preselected):
        add_nav_row(builder, [NavAction.HELP])
    return text, builder.as_markup()


async def start(
    message: Message,
    state: FSMContext,
    content: ContentHolder,
    i18n: I18n,
    stored_language: str | None,
    language: str,
) -> None:
    if stored_language is None:
        track(NEW_USER_EVENT)
        likely = language_from_client(message.from_user)
        text, markup = picker(i18n, likely)
        notice = i18n.gettext(PRIVACY_NOTICE, locale=likely)  # the first thing anyone reads from Safar
        await message.answer(f"{text}\n\n{notice}", reply_markup=markup)
        return
    screen = await move(state, lambda c: content.current.engine.home(c, language))
    await send_screen(message, screen)


async def change_language(message: Message, i18n: I18n, language: str) -> None:
    text, markup = picker(i18n, language)
    await message.answer(text, reply_markup=markup)


async def language_chosen(
    query: CallbackQuery,
    callback_data: ChooseLanguage,
    state: FSMContext,
    content: ContentHolder,
    users: UserSettingsStore,
    reminders: ReminderStore,
    i18n: I18n,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
) -> None:
    chosen = callback_data.code
    if chosen not in LANGUAGES:
        await answer_stale(query, state, content, language, callback_answer)
        return
    await users.set_language(user_key, chosen)
    track("language_chosen", chosen)
    await reminders.set_language(user_key, chosen)
    with i18n.use_locale(chosen):
        callback_answer.text = _("Language: {name}").format(name=LANGUAGE_NAMES[chosen])
        screen = await move(state, lambda c: content.current.engine.current(c, chosen))
        await show_screen(query, screen)


def build_router() -> Router:
    router = Router(name="language")
    router.message.filter(PrivateChat())
    router.message.register(start, CommandStart())
    router.message.register(change_language, Command("language"))
    router.callback_query.register(language_chosen, ChooseLanguage.filter())
    return router
