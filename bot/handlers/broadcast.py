"""`/broadcast`: staff write a message, see it as users will with the number of recipients (all
opted-in users, or one language), confirm, and follow its progress; it can be stopped."""

from typing import get_args

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.content.telegram_html import message_problems
from bot.handlers.callback_data import Audience, BroadcastAction, BroadcastCancel, BroadcastStop
from bot.handlers.screens import replace_screen
from bot.handlers.states import AdminBroadcast
from bot.services.clock import Clock
from bot.storage.broadcasts import BroadcastStore, Progress


def progress_text(broadcast_id: int, progress: Progress, finished: bool) -> str:
    state = "finished" if finished else "sending"
    return (
        f"Broadcast #{broadcast_id} {state}: {progress.sent} of {progress.total} sent, {progress.failed} not delivered."
    )


def stop_markup(broadcast_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="✖ Stop sending", callback_data=BroadcastStop(broadcast_id=broadcast_id))
    return builder.as_markup()


async def preview(store: BroadcastStore, text: str, language: Audience) -> tuple[str, InlineKeyboardMarkup]:
    count = await store.audience(None if language == "all" else language)
    builder = InlineKeyboardBuilder()
    builder.button(text=f"✅ Send to {count}", callback_data=BroadcastAction(action="send", audience=language))
    for code in get_args(Audience):
        mark = "• " if code == language else ""
        builder.button(text=f"{mark}{code}", callback_data=BroadcastAction(action="lang", audience=code))
    builder.button(text="✖ Cancel", callback_data=BroadcastCancel())
    builder.adjust(1, 5, 1)
    audience = "every opted-in user" if language == "all" else f"opted-in users reading {language}"
    return f"{text}\n\n———\nPreview. Recipients: {count} ({audience}).", builder.as_markup()


async def broadcast_command(message: Message, state: FSMContext) -> None:
    await state.set_state(AdminBroadcast.text)
    await message.answer("Send the message to broadcast (formatting is kept), or /menu to leave.")


async def broadcast_text(message: Message, state: FSMContext, broadcasts: BroadcastStore) -> None:
    text = message.html_text
    problems = message_problems(text)
    if problems:
        await message.answer(f"This cannot be sent: {problems[0]}. Send a shorter or simpler message.")
        return
    await state.update_data(broadcast_text=text)
    body, markup = await preview(broadcasts, text, "all")
    await message.answer(body, reply_markup=markup)


async def stop_button(
    query: CallbackQuery, callback_data: BroadcastStop, broadcasts: BroadcastStore, callback_answer: CallbackAnswer
) -> None:
    broadcast_id = callback_data.broadcast_id
    stopped = await broadcasts.finish(broadcast_id, "cancelled")
    progress = await broadcasts.progress(broadcast_id)
    callback_answer.text = "Stopped." if stopped else "It had already finished."
    await replace_screen(query, progress_text(broadcast_id, progress, True) + (" Stopped." if stopped else ""), None)


async def draft_button(
    query: CallbackQuery,
    callback_data: BroadcastAction | BroadcastCancel,
    state: FSMContext,
    broadcasts: BroadcastStore,
    clock: Clock,
    callback_answer: CallbackAnswer,
) -> None:
    """A button under the preview of a draft: another audience, cancel, or send."""
    text = str((await state.get_data()).get("broadcast_text") or "")
    if not text or await state.get_state() != AdminBroadcast.text.state:
        callback_answer.text = "This draft is gone; start again with /broadcast."
        return
    if isinstance(callback_data, BroadcastCancel):
        await state.set_state(None)
        await replace_screen(query, "Broadcast cancelled; nothing was sent.", None)
    elif callback_data.action == "lang":
        body, markup = await preview(broadcasts, text, callback_data.audience)
        await replace_screen(query, body, markup)
    else:
        audience = callback_data.audience
        await state.set_state(None)
        await state.update_data(broadcast_text=None)
        language = None if audience == "all" else audience
        broadcast_id = await broadcasts.create(text, language, query.from_user.id, clock.now())
        progress = await broadcasts.progress(broadcast_id)
        if query.bot is not None:
            sent = await query.bot.send_message(
                query.from_user.id, progress_text(broadcast_id, progress, False), reply_markup=stop_markup(broadcast_id)
            )
            await broadcasts.set_progress_message(broadcast_id, sent.message_id)
        await replace_screen(query, f"{text}\n\n———\nQueued as broadcast #{broadcast_id}.", None)
