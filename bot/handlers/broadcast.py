"""`/broadcast`: a broadcaster writes a message, sees it as users will with the number of
recipients (all opted-in users, or one language), and proposes it. It goes out only when a second
staff member with the broadcaster role approves it, or, with BROADCAST_DELAY_MINUTES set, when
the delay passes and no staff member cancelled it (only if another staff member could be told of
it). Every staff member is shown who proposed it and where each of its links really leads; the
proposer follows its progress, and any staff member can stop it."""

import html
import logging
from contextlib import suppress
from datetime import datetime
from typing import get_args
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.staff_roles import BROADCASTER, StaffRoles
from bot.content.telegram_html import link_targets, message_problems
from bot.handlers.callback_data import Audience, BroadcastAction, BroadcastCancel, BroadcastDecision, BroadcastStop
from bot.handlers.long_messages import answer_in_parts, message_parts, replace_in_parts
from bot.handlers.screens import replace_screen
from bot.handlers.states import AdminBroadcast
from bot.services.broadcast_approval import BroadcastApprovals, Decision
from bot.services.staff_audit import AuditLog
from bot.storage.stores.broadcasts import BroadcastStore, Progress

log = logging.getLogger(__name__)


def progress_text(broadcast_id: int, progress: Progress, finished: bool) -> str:
    state = "finished" if finished else "sending"
    return (
        f"Broadcast #{broadcast_id} {state}: {progress.sent} of {progress.total} sent, {progress.failed} not delivered."
    )


def stop_markup(broadcast_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="✖ Stop sending", callback_data=BroadcastStop(broadcast_id=broadcast_id))
    return builder.as_markup()


def decision_markup(proposal_id: int, approve: bool = True) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if approve:
        builder.button(
            text="✅ Approve and send", callback_data=BroadcastDecision(action="ok", proposal_id=proposal_id)
        )
    builder.button(text="✖ Cancel it", callback_data=BroadcastDecision(action="no", proposal_id=proposal_id))
    builder.adjust(1)
    return builder.as_markup()


def audience_of(language: str | None) -> str:
    return "every opted-in user" if language is None else f"opted-in users reading {language}"


async def preview(store: BroadcastStore, text: str, language: Audience) -> tuple[str, InlineKeyboardMarkup]:
    count = await store.audience(None if language == "all" else language)
    builder = InlineKeyboardBuilder()
    builder.button(text=f"📨 Propose, to {count}", callback_data=BroadcastAction(action="send", audience=language))
    for code in get_args(Audience):
        mark = "• " if code == language else ""
        builder.button(text=f"{mark}{code}", callback_data=BroadcastAction(action="lang", audience=code))
    builder.button(text="✖ Cancel", callback_data=BroadcastCancel())
    builder.adjust(1, 5, 1)
    audience = audience_of(None if language == "all" else language)
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
    await answer_in_parts(message, body, markup)


async def send_in_parts(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """To a staff member's chat; False if they have not opened the bot (or blocked it)."""
    parts = message_parts(text)
    try:
        for number, part in enumerate(parts, 1):
            await bot.send_message(chat_id, part, reply_markup=markup if number == len(parts) else None)
    except (TelegramBadRequest, TelegramForbiddenError) as error:
        log.warning("a staff member could not be told of a broadcast proposal: %s", error.message)
        return False
    return True


async def announce_start(bot: Bot, broadcasts: BroadcastStore, broadcast_id: int, chat_id: int) -> None:
    """The proposer's progress message, with the button that stops the broadcast."""
    progress = await broadcasts.progress(broadcast_id)
    with suppress(TelegramBadRequest, TelegramForbiddenError):
        sent = await bot.send_message(
            chat_id, progress_text(broadcast_id, progress, False), reply_markup=stop_markup(broadcast_id)
        )
        await broadcasts.set_progress_message(broadcast_id, sent.message_id)


def proposer(user: User) -> str:
    """Who proposed, as staff recognise each other: the Telegram name and the staff id."""
    return f"{html.escape(user.full_name)} (staff id {user.id})"


def _address(target: str) -> str:
    """A link's address as written, and its host in ASCII when it has other letters: a Cyrillic
    'о' in a host looks like a Latin one."""
    shown = f"<code>{html.escape(target)}</code>"
    try:
        host = urlsplit(target).hostname or ""
        if not host.isascii():
            shown += f" (host {html.escape(host.encode('idna').decode('ascii'))})"
    except (ValueError, UnicodeError):
        shown += " (an address that cannot be read: do not approve it)"
    return shown


def link_addresses(text: str) -> str:
    """Every link of a broadcast with the address it really opens, in plain sight: the words of a
    link ("Official hotline") can say anything, and approvers see only those in the message."""
    links = link_targets(text)
    if not links:
        return "It has no links.\n"
    lines = [f"{number}. {html.escape(words.strip()) or '(no words)'} → {_address(target)}"
             for number, (words, target) in enumerate(links, 1)]  # fmt: skip
    return "Its links, and where each really leads:\n" + "\n".join(lines) + "\n"


def _day_and_time(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


async def propose(
    query: CallbackQuery, text: str, audience: Audience, approvals: BroadcastApprovals, staff: StaffRoles
) -> None:
    proposal = await approvals.propose(query.from_user.id, text, None if audience == "all" else audience)
    reach = audience_of(proposal.language)
    release = approvals.release_time(proposal)
    expires = _day_and_time(approvals.expires_at(proposal))
    if release is None:
        rule = f"It goes out when a second staff member with the broadcaster role approves it, by {expires}."
    else:
        rule = f"It goes out at {_day_and_time(release)} unless a staff member cancels it."
    told = 0
    if query.bot is not None:
        notice = (
            f"<b>Broadcast proposal #{proposal.id}</b> by {proposer(query.from_user)}, to {reach}. {rule}"
            f"\n\n{text}\n\n———\n{link_addresses(text)}"
            "Approve it only if you know it is genuine; if in doubt, cancel it."
        )
        for staff_id in sorted(staff.ids - {query.from_user.id}):
            told += await send_in_parts(query.bot, staff_id, notice, decision_markup(proposal.id))
    told_text = f"{told} other staff member(s) were told."
    if not told and release is None:
        told_text = (
            "No other staff member could be told: add one with the broadcaster role in STAFF_ROLES "
            "(they must have started this bot)."
        )
    elif not told:
        rule = "It will not go out by itself: no other staff member could be told, so nobody could cancel it."
        told_text = "Add another staff member in STAFF_ROLES (they must have started this bot), then propose it again."
    elif release is not None:
        await approvals.arm(proposal)
    await replace_in_parts(
        query,
        f"{text}\n\n———\nProposed as #{proposal.id} to {reach}. {rule} {told_text}",
        decision_markup(proposal.id, approve=False),
    )


REFUSALS = {
    Decision.EXPIRED: "It expired: a proposal can be approved for a day only. Nothing was sent; "
    "it can be proposed again.",
    Decision.PROPOSER_NOT_BROADCASTER: "Its proposer no longer has the broadcaster role, so it cannot be "
    "approved. Nothing was sent.",
}
"""Approvals refused for good: the answer, also put in place of the notice and its stale buttons."""


async def decision_button(
    query: CallbackQuery,
    callback_data: BroadcastDecision,
    approvals: BroadcastApprovals,
    broadcasts: BroadcastStore,
    staff: StaffRoles,
    callback_answer: CallbackAnswer,
) -> None:
    """Any staff member can cancel a proposal; only another broadcaster can approve it."""
    proposal_id, staff_id = callback_data.proposal_id, query.from_user.id
    if callback_data.action == "no":
        cancelled = await approvals.cancel(proposal_id, staff_id)
        callback_answer.text = "Cancelled; nothing was sent." if cancelled else "It was already decided."
        if cancelled:
            await replace_screen(query, f"Broadcast proposal #{proposal_id} was cancelled; nothing was sent.", None)
        return
    if not staff.has(staff_id, BROADCASTER):
        callback_answer.text = "Only a staff member with the broadcaster role can approve a broadcast."
        return
    decision, released = await approvals.approve(proposal_id, staff_id)
    if decision is Decision.OWN:
        callback_answer.text = "A second staff member must approve it: not the one who proposed it."
    elif decision in REFUSALS:
        callback_answer.text = REFUSALS[decision]
        await replace_screen(query, f"Broadcast proposal #{proposal_id}: {REFUSALS[decision]}", None)
    elif decision is Decision.GONE or released is None:
        callback_answer.text = "It was already decided."
    else:
        callback_answer.text = "Approved: it is going out."
        await replace_screen(query, f"Broadcast proposal #{proposal_id} approved by you; it is going out.", None)
        if query.bot is not None:
            await announce_start(query.bot, broadcasts, released.broadcast_id, released.proposal.proposed_by)


async def stop_button(
    query: CallbackQuery,
    callback_data: BroadcastStop,
    broadcasts: BroadcastStore,
    audit: AuditLog,
    callback_answer: CallbackAnswer,
) -> None:
    """Any staff member can stop a broadcast under way."""
    broadcast_id = callback_data.broadcast_id
    stopped = await broadcasts.finish(broadcast_id, "cancelled")
    progress = await broadcasts.progress(broadcast_id)
    if stopped:
        await audit.record(query.from_user.id, "broadcast_stopped", f"broadcast #{broadcast_id}")
    callback_answer.text = "Stopped." if stopped else "It had already finished."
    await replace_screen(query, progress_text(broadcast_id, progress, True) + (" Stopped." if stopped else ""), None)


async def draft_button(
    query: CallbackQuery,
    callback_data: BroadcastAction | BroadcastCancel,
    state: FSMContext,
    broadcasts: BroadcastStore,
    approvals: BroadcastApprovals,
    staff: StaffRoles,
    callback_answer: CallbackAnswer,
) -> None:
    """A button under the preview of a draft: another audience, cancel, or propose."""
    text = str((await state.get_data()).get("broadcast_text") or "")
    if not text or await state.get_state() != AdminBroadcast.text.state:
        callback_answer.text = "This draft is gone; start again with /broadcast."
        return
    if isinstance(callback_data, BroadcastCancel):
        await state.set_state(None)
        await replace_screen(query, "Broadcast cancelled; nothing was sent.", None)
    elif callback_data.action == "lang":
        body, markup = await preview(broadcasts, text, callback_data.audience)
        await replace_in_parts(query, body, markup)
    else:
        await state.set_state(None)
        await state.update_data(broadcast_text=None)
        await propose(query, text, callback_data.audience, approvals, staff)
