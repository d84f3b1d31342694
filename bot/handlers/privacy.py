"""`/privacy` says what is kept; `/forget` erases it after a confirmation."""

import time
from contextlib import suppress

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.handlers.callback_data import ChooseNews, ClearChat, ConfirmForget
from bot.handlers.filters import PrivateChat
from bot.handlers.screens import replace_screen
from bot.i18n import N_, listening
from bot.services.content_holder import ContentHolder
from bot.services.counsellor_desk import MAX_BLOCK_DAYS, CounsellorDesk
from bot.services.engagement import EventRecorder
from bot.services.recent_messages import RecentMessages
from bot.services.reminder_schedule import HOME_ZONE
from bot.services.stats import RAW_EVENT_HOURS
from bot.storage.stores.conversations import ForgetsAccounts
from bot.storage.stores.reminders import ReminderStore
from bot.storage.stores.user_settings import UserSettingsStore

MESSAGES_PER_DELETION = 100
"""Telegram's deleteMessages takes at most 100 ids."""


WHAT_IS_KEPT = N_(
    "<b>What Safar keeps</b>\n"
    "• Your language, your passport's country (if you gave it), your place in a lesson and your reminder "
    "settings, under a code made from your "
    "Telegram account: never your name, username or phone number.\n"
    "• What you open (lessons, screens, check results): for up to about {hours} hours, then only daily totals "
    "that cannot be traced back to you.\n"
    "• For reminders (/reminders) and news (/news, a separate choice): your chat number, encrypted, and your "
    "reminder dates, only while a reminder is waiting or you want news. /stop deletes them.\n"
    "• What you type is not kept, except a report you choose to send: staff see only its day, nothing that "
    "leads to you, and it is deleted after {days} days.\n"
    "• Reminders arrive without details on a locked screen unless you choose full texts in /reminders.\n\n"
    "/forget erases everything linked to you, at once. “Clear this chat” below deletes Safar's recent "
    "messages from this chat."
)
"""What /privacy says; docs/privacy.md is the long version, and tests/test_privacy.py holds the numbers
to the code."""
WHAT_THE_DESK_KEEPS = N_(
    "• Talking to a counsellor: Safar keeps no message. Counsellors see a case number, your language "
    "and your passport's country, never who you are. If counsellors block someone for abuse, the block "
    "is kept until it ends (at most {days} days), even after /forget: otherwise it would protect no one."
)
"""Said only where the counsellors' desk is set up: whether a block survives /forget, and why."""


async def privacy(
    message: Message,
    report_retention_days: int,
    content: ContentHolder,
    language: str,
    users: UserSettingsStore,
    user_key: str,
    desk: CounsellorDesk | None = None,
) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("🧹 Clear this chat"), callback_data=ClearChat())
    text = _(WHAT_IS_KEPT).format(hours=RAW_EVENT_HOURS, days=report_retention_days)
    if await _listen_mode_matters(content, language, users, user_key):
        # the listen-mode line joins the list, before the paragraph on /forget
        text = text.replace("\n\n", "\n" + _(listening.WHAT_LISTENING_KEEPS) + "\n\n", 1)
    if desk is not None:
        text += "\n\n" + _(WHAT_THE_DESK_KEEPS).format(days=MAX_BLOCK_DAYS)
    await message.answer(text, reply_markup=builder.as_markup())


async def _listen_mode_matters(content: ContentHolder, language: str, users: UserSettingsStore, user_key: str) -> bool:
    """Listen mode is explained where a lesson offers it in the reader's language, or they chose it
    once: with no recorded lesson, a line about it would name something the person cannot find."""
    loaded = content.current
    if any(loaded.engine.recorded_throughout(lesson, language) for lesson in loaded.curriculum.lessons):
        return True
    return await users.listen_first(user_key)


async def clear_chat(query: CallbackQuery, bot: Bot, recent_messages: RecentMessages) -> None:
    """Delete what Safar sent in the last 48 hours (all Telegram allows), then say how to delete
    the rest: someone else may read this phone."""
    chat_id = query.from_user.id
    ids = recent_messages.take(chat_id, time.monotonic())
    deleted = 0
    for start in range(0, len(ids), MESSAGES_PER_DELETION):
        chunk = ids[start : start + MESSAGES_PER_DELETION]
        with suppress(TelegramBadRequest):  # some were deleted by the person already
            await bot.delete_messages(chat_id, chunk)
            deleted += len(chunk)
    await bot.send_message(
        chat_id,
        _(
            "Safar deleted {count} of its messages from the last 48 hours. Telegram does not let a bot "
            "delete older ones or yours: open this chat's menu (⋮ or the bot's name at the top) and "
            "choose “Clear history” or “Delete chat”."
        ).format(count=deleted),
    )


async def forget(message: Message) -> None:
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, erase"), callback_data=ConfirmForget(confirmed=True))
    builder.button(text=_("No, keep"), callback_data=ConfirmForget(confirmed=False))
    await message.answer(
        _(
            "Erase everything Safar keeps about you: your language, place in the lessons, settings, reminders "
            "and what you opened in the last hours?"
        ),
        reply_markup=builder.as_markup(),
    )


async def forget_confirmed(
    query: CallbackQuery,
    callback_data: ConfirmForget,
    state: FSMContext,
    users: UserSettingsStore,
    recorder: EventRecorder,
    user_key: str,
    desk: CounsellorDesk | None = None,
) -> None:
    if not callback_data.confirmed:
        await replace_screen(query, _("Nothing was erased."), None)
        return
    await state.clear()

    async def erase() -> None:
        if desk is not None:  # an open case ends, and its topic goes with every message in it
            await desk.forget(user_key)
        await users.forget(user_key)
        if isinstance(state.storage, ForgetsAccounts):  # what it keeps in memory or in Redis
            await state.storage.forget(user_key)

    await recorder.forget(user_key, erase)
    await replace_screen(
        query,
        _("Done: everything Safar kept about you is erased. Send /start to begin again."),
        None,
    )


async def news(message: Message, reminders: ReminderStore, user_key: str) -> None:
    chat = await reminders.chat(user_key)
    builder = InlineKeyboardBuilder()
    builder.button(text=_("Yes, send me news"), callback_data=ChooseNews(wanted=True))
    builder.button(text=_("No news"), callback_data=ChooseNews(wanted=False))
    now = _("You get the news now.") if chat is not None and chat.news else _("You do not get the news now.")
    text = _(
        "Safar's news: new hotlines, changed rules, important warnings, a few times a year. "
        "To send them, Safar keeps your chat number, sealed, until you say no."
    )
    await message.answer(f"{text}\n\n{now}", reply_markup=builder.as_markup())


async def news_chosen(
    query: CallbackQuery, callback_data: ChooseNews, reminders: ReminderStore, user_key: str, language: str
) -> None:
    if callback_data.wanted:
        # News is not timed by the reader's clock, and choosing it says nothing about where they
        # are: a chat kept for news alone has the zone everyone has until they choose one, and a
        # chat kept for reminders keeps its own (opt_in never changes it).
        await reminders.opt_in(user_key, query.from_user.id, HOME_ZONE, language, news=True)
        answer = _("You will get Safar's news. Send /news to stop it.")
    else:
        await reminders.stop_news(user_key)
        answer = _("No news will be sent to you.")
    await replace_screen(query, answer, None)


def build_router() -> Router:
    router = Router(name="privacy")
    router.message.filter(PrivateChat())
    router.message.register(privacy, Command("privacy"))
    router.message.register(forget, Command("forget"))
    router.callback_query.register(forget_confirmed, ConfirmForget.filter())
    router.callback_query.register(clear_chat, ClearChat.filter())
    router.message.register(news, Command("news"))
    router.callback_query.register(news_chosen, ChooseNews.filter())
    return router
