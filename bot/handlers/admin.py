"""Staff commands, for ADMIN_IDS only: `/reports` and `/reload`. Anyone else gets exactly the
answer an unknown command gets, so probing them reveals nothing. Staff read English."""

import html
import logging
from typing import Any

from aiogram import Router
from aiogram.filters import BaseFilter, Command, StateFilter
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.content import ContentError
from bot.handlers.broadcast import broadcast_command, broadcast_text, draft_button, stop_button
from bot.handlers.callback_data import BroadcastAction, BroadcastCancel, BroadcastStop, ReviewReports
from bot.handlers.filters import PrivateChat, TypedText
from bot.handlers.screens import replace_screen
from bot.handlers.staff_stats import chart_command, export_command, stats_command
from bot.handlers.states import AdminBroadcast
from bot.services.content_diff import ContentChanges
from bot.services.content_holder import ContentHolder
from bot.storage.reports import ReportGroup, ReportStore
from bot.telegram_limits import MAX_MESSAGE_CHARS

log = logging.getLogger(__name__)
ADMIN_COMMANDS = (
    ("stats", "Statistics: /stats 7d, 30d or all"),
    ("chart", "Daily figures as a picture"),
    ("export", "Daily figures as CSV"),
    ("broadcast", "Send a message to opted-in users"),
    ("reports", "Reports of suspicious offers"),
    ("reload", "Reload content from disk"),
)


class IsAdmin(BaseFilter):
    async def __call__(self, event: TelegramObject, admin_ids: frozenset[int], **_: Any) -> bool:
        user = getattr(event, "from_user", None)
        return user is not None and user.id in admin_ids


def fit(text: str) -> str:
    """Cut a staff message to Telegram's limit at a line break."""
    if len(text) <= MAX_MESSAGE_CHARS:
        return text
    cut = text[: MAX_MESSAGE_CHARS - 20].rsplit("\n", 1)[0]
    return cut + "\n… (more not shown)"


def describe_group(group: ReportGroup) -> str:
    problems = ", ".join(f"{name} ×{count}" for name, count in sorted(group.by_problem.items(), key=lambda i: -i[1]))
    lines = [f"<b>{html.escape(group.agency_typed)}</b> — {group.total} report(s): {problems}; last {group.last_day}"]
    lines += [f"  “{html.escape(detail[:200])}”" for detail in group.recent_details]
    return "\n".join(lines)


async def reports_text(reports: ReportStore) -> tuple[str, InlineKeyboardBuilder]:
    groups = await reports.open_groups()
    builder = InlineKeyboardBuilder()
    if not groups:
        return "No reports waiting for review.", builder
    total = await reports.open_count()
    body = "\n\n".join(describe_group(group) for group in groups)
    for group in groups:
        builder.button(text=f"✓ Reviewed: {group.agency_typed[:40]}", callback_data=ReviewReports(ref=group.ref))
    builder.adjust(1)
    return fit(f"<b>{total} report(s) waiting for review</b>, newest first:\n\n{body}"), builder


async def list_reports(message: Message, reports: ReportStore) -> None:
    text, builder = await reports_text(reports)
    await message.answer(text, reply_markup=builder.as_markup())


async def mark_reviewed(
    query: CallbackQuery, callback_data: ReviewReports, reports: ReportStore, callback_answer: CallbackAnswer
) -> None:
    marked = await reports.mark_reviewed(callback_data.ref)
    callback_answer.text = f"{marked} report(s) marked reviewed." if marked else "Already reviewed."
    text, builder = await reports_text(reports)
    await replace_screen(query, text, builder.as_markup())


def describe_changes(changes: ContentChanges) -> str:
    if changes.nothing:
        return "Reloaded: nothing changed."
    lines = ["<b>Reloaded.</b>"]
    for label, items in (
        ("lessons added", changes.lessons_added), ("lessons removed", changes.lessons_removed),
        ("screens added", changes.nodes_added), ("screens removed", changes.nodes_removed),
        ("screens edited", changes.nodes_edited), ("contacts changed", changes.contacts_changed),
    ):  # fmt: skip
        if items:
            lines.append(f"{label}: {html.escape(', '.join(items))}")
    if changes.agencies_before != changes.agencies_after:
        lines.append(f"licensed agencies: {changes.agencies_before} → {changes.agencies_after}")
    return fit("\n".join(lines))


async def reload_content(message: Message, content: ContentHolder) -> None:
    try:
        changes = await content.reload()
    except ContentError as error:
        log.warning("reload refused: %d problem(s)", len(error.errors))
        report = html.escape("\n".join(str(p) for p in error.problems))
        await message.answer(
            fit(f"<b>Not reloaded: the content has errors.</b> The bot keeps the content it had.\n\n{report}")
        )
        return
    await message.answer(describe_changes(changes))


def build_router() -> Router:
    router = Router(name="admin")
    router.message.filter(PrivateChat(), IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(stats_command, Command("stats"))
    router.message.register(chart_command, Command("chart"))
    router.message.register(export_command, Command("export"))
    router.message.register(broadcast_command, Command("broadcast"))
    router.message.register(broadcast_text, StateFilter(AdminBroadcast.text), TypedText())
    router.callback_query.register(draft_button, BroadcastAction.filter())
    router.callback_query.register(draft_button, BroadcastCancel.filter())
    router.callback_query.register(stop_button, BroadcastStop.filter())
    router.message.register(list_reports, Command("reports"))
    router.message.register(reload_content, Command("reload"))
    router.callback_query.register(mark_reviewed, ReviewReports.filter())
    return router
