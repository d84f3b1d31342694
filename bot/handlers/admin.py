"""Staff commands, for staff ids only (ADMIN_IDS, STAFF_ROLES), each needing its role. Anyone
else gets exactly the answer an unknown command gets, so probing them reveals nothing; a staff
member without the role is told which role it needs. Staff read English."""

import html
import logging
from typing import Any

from aiogram import Router
from aiogram.filters import BaseFilter, Command, CommandObject, StateFilter
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.common.staff_roles import BROADCASTER, EDITOR, VIEWER, StaffRoles
from bot.content import ContentError
from bot.handlers.advert_figures import offers_command
from bot.handlers.broadcast import broadcast_command, broadcast_text, decision_button, draft_button, stop_button
from bot.handlers.callback_data import (
    BroadcastAction,
    BroadcastCancel,
    BroadcastDecision,
    BroadcastStop,
    ReportsPage,
    ReviewReports,
)
from bot.handlers.campaign_stats import asks_for_campaigns, campaign_stats_command
from bot.handlers.filters import PrivateChat, TypedText
from bot.handlers.long_messages import answer_in_parts, replace_in_parts
from bot.handlers.staff_stats import chart_command, export_command, stats_command
from bot.handlers.states import AdminBroadcast
from bot.services.content_diff import ContentChanges
from bot.services.content_holder import ContentHolder
from bot.services.content_sync import ContentSync, ReloadNotShared
from bot.services.hotline_answers import HotlineAnswers, health_lines
from bot.services.staff_audit import AuditLog
from bot.storage.stores.reports import GROUPS_PER_PAGE, ReportGroup, ReportStore

log = logging.getLogger(__name__)
ADMIN_COMMANDS = (
    ("stats", "Statistics: /stats 7d, 30d, all or campaigns"),
    ("chart", "Daily figures as a picture"),
    ("export", "Daily figures as CSV"),
    ("broadcast", "Propose a message to opted-in users"),
    ("reports", "Reports of suspicious offers"),
    ("offers", "Adverts people had Safar check: flags, channels, copies"),
    ("contacts", "Do the hotlines answer? Callers' answers and flagged screens"),
    ("reload", "Reload content from disk"),
    ("audit", "What staff did, when"),
)
AUDIT_ENTRIES = 30
RELOAD_REPORT_PARTS = 5
"""A content report longer than this many messages ends with a note; `safar check` prints it all."""


class IsStaff(BaseFilter):
    async def __call__(self, event: TelegramObject, staff: StaffRoles, **_: Any) -> bool:
        user = getattr(event, "from_user", None)
        return user is not None and staff.is_staff(user.id)


class HasRole(BaseFilter):
    def __init__(self, role: str) -> None:
        self.role = role

    async def __call__(self, event: TelegramObject, staff: StaffRoles, **_: Any) -> bool:
        user = getattr(event, "from_user", None)
        return user is not None and staff.has(user.id, self.role)


def describe_group(group: ReportGroup) -> str:
    problems = ", ".join(f"{name} ×{count}" for name, count in sorted(group.by_problem.items(), key=lambda i: -i[1]))
    lines = [f"<b>{html.escape(group.agency_typed)}</b> — {group.total} report(s): {problems}; last {group.last_day}"]
    lines += [f"  “{html.escape(detail[:200])}”" for detail in group.recent_details]
    return "\n".join(lines)


async def reports_text(reports: ReportStore, page: int = 0) -> tuple[str, InlineKeyboardBuilder]:
    """One page of agencies with open reports; each "Reviewed" button carries the newest report it
    shows, so reports stored after the list was sent stay open."""
    builder = InlineKeyboardBuilder()
    groups_open = await reports.open_group_count()
    if not groups_open:
        return "No reports waiting for review.", builder
    pages = -(-groups_open // GROUPS_PER_PAGE)
    page = min(page, pages - 1)
    groups = await reports.open_groups(offset=page * GROUPS_PER_PAGE)
    total = await reports.open_count()
    body = "\n\n".join(describe_group(group) for group in groups)
    for group in groups:
        builder.button(
            text=f"✓ Reviewed: {group.agency_typed[:40]}",
            callback_data=ReviewReports(ref=group.ref, up_to=group.last_id, page=page),
        )
    sizes = [1] * len(groups)
    if pages > 1:
        turns = [("◀️ Newer", page - 1), ("Older ▶️", page + 1)]
        shown = [(label, to) for label, to in turns if 0 <= to < pages]
        for label, to in shown:
            builder.button(text=label, callback_data=ReportsPage(page=to))
        sizes.append(len(shown))
    builder.adjust(*sizes)
    first = page * GROUPS_PER_PAGE + 1
    where = f" (agencies {first}–{first + len(groups) - 1} of {groups_open})" if pages > 1 else ""
    return f"<b>{total} report(s) waiting for review</b>, newest first{where}:\n\n{body}", builder


async def list_reports(message: Message, reports: ReportStore, audit: AuditLog) -> None:
    if message.from_user is not None:
        await audit.record(message.from_user.id, "reports_listed")
    text, builder = await reports_text(reports)
    await answer_in_parts(message, text, builder.as_markup())


async def turn_reports_page(query: CallbackQuery, callback_data: ReportsPage, reports: ReportStore) -> None:
    text, builder = await reports_text(reports, callback_data.page)
    await replace_in_parts(query, text, builder.as_markup())


async def mark_reviewed(
    query: CallbackQuery,
    callback_data: ReviewReports,
    reports: ReportStore,
    audit: AuditLog,
    callback_answer: CallbackAnswer,
) -> None:
    marked = await reports.mark_reviewed(callback_data.ref, callback_data.up_to)
    if marked:
        await audit.record(query.from_user.id, "reports_reviewed", f"{marked} report(s)")
    callback_answer.text = f"{marked} report(s) marked reviewed." if marked else "Already reviewed."
    text, builder = await reports_text(reports, callback_data.page)
    await replace_in_parts(query, text, builder.as_markup())


async def contacts_health(message: Message, content: ContentHolder, hotline_answers: HotlineAnswers) -> None:
    standings = await hotline_answers.standings(content.current.curriculum.contacts)
    lines = health_lines(standings, await hotline_answers.flags())
    await answer_in_parts(message, f"<b>{html.escape(lines[0])}</b>\n" + html.escape("\n".join(lines[1:])))


def describe_changes(changes: ContentChanges) -> str:
    if changes.nothing:
        return "Reloaded: nothing changed."
    lines = ["<b>Reloaded.</b>"]
    for label, items in (
        ("lessons added", changes.lessons_added), ("lessons removed", changes.lessons_removed),
        ("screens added", changes.nodes_added), ("screens removed", changes.nodes_removed),
        ("screens edited", changes.nodes_edited), ("contacts changed", changes.contacts_changed),
        ("recordings and pictures", changes.media_changed),
    ):  # fmt: skip
        if items:
            lines.append(f"{label}: {html.escape(', '.join(items))}")
    if changes.agencies_before != changes.agencies_after:
        lines.append(f"licensed agencies: {changes.agencies_before} → {changes.agencies_after}")
    if changes.media_left_out:
        lines.append(f"files left out: {changes.media_left_out} (`safar check` says why)")
    return "\n".join(lines)


async def reload_content(message: Message, content_sync: ContentSync, audit: AuditLog) -> None:
    """Reloads this process, and every other process of the bot follows (bot/services/content_sync.py).
    Staff are answered whatever happens: a refusal lists the content's errors, and any other failure
    says what became of the content, so nobody is left waiting."""
    staff_id = message.from_user.id if message.from_user else 0
    try:
        changes = await content_sync.reload_everywhere()
    except ContentError as error:
        log.warning("reload refused: %d problem(s)", len(error.errors))
        report = html.escape("\n".join(str(p) for p in error.problems))
        text = f"<b>Not reloaded: the content has errors.</b> The bot keeps the content it had.\n\n{report}"
        await _answer_then_audit(message, text, audit, staff_id, "reload_refused", f"{len(error.errors)} problem(s)")
        return
    except ReloadNotShared as failure:
        cause = type(failure.__cause__).__name__
        log.error("reloaded here, but the other processes could not be told: %s", cause)
        text = (
            f"{describe_changes(failure.changes)}\n\n<b>Only this process reloaded:</b> the database could not "
            f"record the reload for the bot's other processes ({cause}). Send /reload again once the database works."
        )
        await _answer_then_audit(message, text, audit, staff_id, "reload_not_shared", cause)
        return
    except Exception as error:  # not the content's fault: the staff member still gets an answer
        log.error("reload failed: %s", type(error).__name__, exc_info=error)
        text = (
            f"<b>Not reloaded: an unexpected error ({type(error).__name__}).</b> The bot keeps the content it had. "
            "Run <code>safar check</code> on the content files; the operator finds the details in the log."
        )
        await _answer_then_audit(message, text, audit, staff_id, "reload_failed", type(error).__name__)
        return
    detail = "nothing changed" if changes.nothing else "content changed"
    await _answer_then_audit(message, describe_changes(changes), audit, staff_id, "reload", detail)


async def _answer_then_audit(
    message: Message, text: str, audit: AuditLog, staff_id: int, action: str, detail: str
) -> None:
    """The answer first: when the database is what failed, the audit record would fail too."""
    try:
        await answer_in_parts(message, text, max_parts=RELOAD_REPORT_PARTS)
    finally:
        await audit.record(staff_id, action, detail)


async def show_audit(message: Message, audit: AuditLog) -> None:
    entries = await audit.recent(AUDIT_ENTRIES)
    if not entries:
        await message.answer("No staff actions recorded yet.")
        return
    lines = [f"<b>Last {len(entries)} staff action(s)</b>, newest first (UTC):"]
    lines += [
        f"{entry.at:%Y-%m-%d %H:%M} · {f'staff {entry.staff_id}' if entry.staff_id else 'no staff'} · {entry.action}"
        + (f" · {html.escape(entry.detail)}" if entry.detail else "")
        for entry in entries
    ]
    await answer_in_parts(message, "\n".join(lines))


async def role_missing(message: Message, command: CommandObject, staff: StaffRoles) -> None:
    """A staff member whose role does not cover the command is told which one it needs."""
    needed = next((role for role, names in ROLE_COMMANDS.items() if command.command in names), "")
    held = ", ".join(sorted(staff.roles_of(message.from_user.id))) if message.from_user else ""
    await message.answer(
        f"/{command.command} needs the {needed} role; you have: {held}. The operator sets roles in STAFF_ROLES."
    )


ROLE_COMMANDS = {
    VIEWER: ("stats", "chart", "export", "reports", "contacts", "offers"),
    EDITOR: ("reload",),
    BROADCASTER: ("broadcast",),
}


def build_router() -> Router:
    router = Router(name="admin")
    router.message.filter(PrivateChat(), IsStaff())
    router.callback_query.filter(IsStaff())
    viewer, editor, broadcaster = HasRole(VIEWER), HasRole(EDITOR), HasRole(BROADCASTER)
    router.message.register(campaign_stats_command, Command("stats"), asks_for_campaigns, viewer)
    router.message.register(stats_command, Command("stats"), viewer)
    router.message.register(chart_command, Command("chart"), viewer)
    router.message.register(export_command, Command("export"), viewer)
    router.message.register(broadcast_command, Command("broadcast"), broadcaster)
    router.message.register(broadcast_text, StateFilter(AdminBroadcast.text), TypedText(), broadcaster)
    router.callback_query.register(draft_button, BroadcastAction.filter(), broadcaster)
    router.callback_query.register(draft_button, BroadcastCancel.filter(), broadcaster)
    router.callback_query.register(decision_button, BroadcastDecision.filter())  # roles checked per action
    router.callback_query.register(stop_button, BroadcastStop.filter())  # any staff member can stop one
    router.message.register(list_reports, Command("reports"), viewer)
    router.message.register(offers_command, Command("offers"), viewer)
    router.message.register(reload_content, Command("reload"), editor)
    router.message.register(contacts_health, Command("contacts"), viewer)
    router.callback_query.register(mark_reviewed, ReviewReports.filter(), viewer)
    router.callback_query.register(turn_reports_page, ReportsPage.filter(), viewer)
    router.message.register(show_audit, Command("audit"))
    router.message.register(role_missing, Command(*(name for names in ROLE_COMMANDS.values() for name in names)))
    return router
