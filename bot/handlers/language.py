"""`/start` and `/language`: choosing the language, remembered across restarts."""

import html

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.languages import LANGUAGE_NAMES, LANGUAGES
from bot.common.navigation import NavAction
from bot.content import NodeId
from bot.content.rendering import Citizenship
from bot.handlers.callback_data import ChooseLanguage
from bot.handlers.conversation import move
from bot.handlers.counsellor_replies import tell_case_still_open
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import add_nav_row, send_screen, show_screen
from bot.handlers.stale import answer_stale
from bot.i18n import N_
from bot.middlewares.locale import language_from_client
from bot.services.campaign_counts import CampaignCounts
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import CounsellorDesk
from bot.services.deep_links import parse_payload
from bot.services.engagement import track
from bot.storage.stores.events import NEW_USER_EVENT
from bot.storage.stores.reminders import ReminderStore
from bot.storage.stores.user_settings import UserSettingsStore

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


PENDING_ENTRY_KEY = "pending_entry"
"""FSM data: the deep link's entry a new user opens once they have chosen a language."""
PENDING_CAMPAIGN_KEY = "pending_campaign"
"""FSM data (memory only, never on disk): the campaign that brought a new user, counted as theirs
once they have chosen a language."""


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    content: ContentHolder,
    campaign_counts: CampaignCounts,
    i18n: I18n,
    user_key: str,
    stored_language: str | None,
    language: str,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    """`/start`, or a deep link `/start <entry>[__<campaign>]`: a link Safar does not know is no
    error, it just leads to the menu (after the language picker for someone new)."""
    link = parse_payload(command.args)
    target = content.current.curriculum.entry(link.entry) if link else None
    campaign = None
    if link is not None and target is not None and link.campaign is not None:
        campaign = await campaign_counts.opened(user_key, link.campaign)
    if stored_language is None:
        if link is not None and target is not None:
            pending = await state.get_data()
            await state.update_data(
                {PENDING_ENTRY_KEY: link.entry, PENDING_CAMPAIGN_KEY: pending.get(PENDING_CAMPAIGN_KEY) or campaign}
            )
        likely = language_from_client(message.from_user)
        text, markup = picker(i18n, likely)
        notice = i18n.gettext(PRIVACY_NOTICE, locale=likely)  # the first thing anyone reads from Safar
        await message.answer(f"{text}\n\n{notice}", reply_markup=markup)
        return
    await tell_case_still_open(message, desk, user_key)
    loaded = content.current
    if target is None:
        screen = await move(state, lambda c: loaded.engine.home(c, language))
    else:
        screen = await move(state, lambda c: loaded.engine.open(c, target, language, passport_country))
    await send_screen(message, screen, desk)


async def pending_link(state: FSMContext, content: ContentHolder) -> tuple[NodeId | None, str | None]:
    """The screen a new user's deep link named and the campaign that brought them, taken out of
    the saved state (they are used once)."""
    data = await state.get_data()
    entry, campaign = data.get(PENDING_ENTRY_KEY), data.get(PENDING_CAMPAIGN_KEY)
    if entry is None and campaign is None:
        return None, None
    pending = (PENDING_ENTRY_KEY, PENDING_CAMPAIGN_KEY)
    await state.set_data({key: value for key, value in data.items() if key not in pending})
    target = content.current.curriculum.entry(str(entry)) if entry is not None else None
    return target, str(campaign) if campaign else None


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
    campaign_counts: CampaignCounts,
    i18n: I18n,
    user_key: str,
    language: str,
    callback_answer: CallbackAnswer,
    desk: CounsellorDesk | None = None,
    passport_country: Citizenship = None,
) -> None:
    chosen = callback_data.code
    if chosen not in LANGUAGES:
        await answer_stale(query, state, content, language, callback_answer)
        return
    new_user = await users.set_language(user_key, chosen)
    if new_user:
        track(NEW_USER_EVENT)
    track("language_chosen", chosen)
    await reminders.set_language(user_key, chosen)
    target, campaign = await pending_link(state, content)
    if new_user and campaign is not None:
        campaign_counts.arrived(user_key, campaign)
    engine = content.current.engine
    with i18n.use_locale(chosen):
        callback_answer.text = _("Language: {name}").format(name=LANGUAGE_NAMES[chosen])
        if target is None:
            screen = await move(state, lambda c: engine.current(c, chosen, passport_country))
        else:
            screen = await move(state, lambda c: engine.open(c, target, chosen, passport_country))
        await show_screen(query, screen, desk)


def build_router() -> Router:
    router = Router(name="language")
    router.message.filter(PrivateChat())
    router.message.register(start, CommandStart())
    router.message.register(change_language, Command("language"))
    router.callback_query.register(language_chosen, ChooseLanguage.filter())
    return router
