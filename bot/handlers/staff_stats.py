"""Staff statistics: `/stats [7d|30d|all]`, `/chart [7d|30d]`, `/export [30d]`. English, and
every count under 5 shown as "<5"."""

import asyncio
import html

from aiogram.filters import CommandObject
from aiogram.types import BufferedInputFile, Message

from bot.handlers.desk_stats import describe_desk
from bot.handlers.long_messages import answer_in_parts
from bot.services.counsellor_desk import CounsellorDesk
from bot.services.staff_audit import AuditLog
from bot.services.stats import Report, Statistics
from bot.services.stats import shown as plain_count

PERIODS = {"7d": 7, "30d": 30, "all": None}


def render_chart(series: dict[str, dict[str, int]], title: str) -> bytes:
    """The `/chart` PNG. matplotlib costs ~40 MB and seconds to import: only staff asking for a chart pay for it."""
    from bot.services.charts import daily_chart

    return daily_chart(series, title)


def period_of(command: CommandObject, allowed: tuple[str, ...], default: str) -> str | None:
    """The period asked for, or None when the argument is not one of `allowed`."""
    asked = (command.args or default).strip().lower()
    return asked if asked in allowed else None


def shown(count: int) -> str:
    """A suppressed count, escaped for Telegram HTML ("<5" becomes "&lt;5")."""
    return html.escape(plain_count(count))


def describe(report: Report, label: str) -> str:
    period = f"{report.period.first:%d.%m.%Y}–{report.period.last:%d.%m.%Y}"
    lines = [
        f"<b>Safar statistics, {label}</b> ({period})",
        f"Users: ~{shown(report.users)} · new: {shown(report.new_users)}",
        "Languages chosen: "
        + (", ".join(f"{lang} {shown(n)}" for lang, n in report.languages.most_common()) or "none"),
        "",
        "<b>Lessons</b> (opened → completed; where most people leave)",
    ]
    for funnel in report.lessons[:8]:
        left = f"; left most at {html.escape(funnel.most_left_at)}" if funnel.most_left_at else ""
        lines.append(f"• {html.escape(funnel.lesson)}: {shown(funnel.opened)} → {shown(funnel.completed)}{left}")
    if report.check_results:
        lines += ["", "<b>Check results</b>"]
        lines += [f"• {html.escape(result)}: {shown(n)}" for result, n in report.check_results.most_common()]
    if report.hotlines:
        lines += ["", "<b>Hotlines opened</b> (by country or need)"]
        lines += [f"• {html.escape(node)}: {shown(n)}" for node, n in report.hotlines.most_common()]
    reminders = report.reminders
    lines += [
        "",
        f"<b>Reminders</b>: scheduled {shown(reminders['scheduled'])}, delivered {shown(reminders['delivered'])}, "
        f"opened {shown(reminders['opened'])}",
        f"<b>Searches</b>: with results {shown(report.searches['found'])}, without {shown(report.searches['none'])}",
    ]
    return "\n".join(lines)


async def audited_period(
    message: Message, command: CommandObject, audit: AuditLog, *, action: str, periods: tuple[str, ...], usage: str
) -> str | None:
    """The period a staff command asked for, recorded in the staff audit log; None, once `usage`
    has been answered, when it is not one of `periods` (the first is the default)."""
    asked = period_of(command, periods, periods[0])
    if asked is None:
        await message.answer(usage)
        return None
    await audit.record(message.from_user.id if message.from_user else 0, action, asked)
    return asked


async def stats_command(
    message: Message,
    command: CommandObject,
    statistics: Statistics,
    audit: AuditLog,
    desk: CounsellorDesk | None = None,
) -> None:
    usage = "Use /stats 7d, /stats 30d or /stats all."
    asked = await audited_period(message, command, audit, action="stats", periods=tuple(PERIODS), usage=usage)
    if asked is None:
        return
    report = await statistics.report(PERIODS[asked])
    text = describe(report, "all time" if asked == "all" else f"last {asked}")
    if desk is not None and desk.figures is not None:  # with a counsellors' group (COUNSELLORS_CHAT_ID)
        text += "\n\n" + describe_desk(await desk.figures.summary(report.period))
    await answer_in_parts(message, text)


async def chart_command(message: Message, command: CommandObject, statistics: Statistics, audit: AuditLog) -> None:
    usage = "Use /chart 7d or /chart 30d."
    asked = await audited_period(message, command, audit, action="chart", periods=("30d", "7d"), usage=usage)
    if asked is None:
        return
    series = await statistics.daily_series(int(asked[:-1]))
    # Importing matplotlib (~0.7 s the first time) and drawing (~0.5 s) happen in a worker thread,
    # so users' updates keep being answered meanwhile.
    image = await asyncio.to_thread(render_chart, series, f"Safar, last {asked}")
    await message.answer_photo(
        BufferedInputFile(image, filename=f"safar-{asked}.png"), caption=html.escape(f"Daily figures, last {asked}")
    )


async def export_command(message: Message, command: CommandObject, statistics: Statistics, audit: AuditLog) -> None:
    usage = "Use /export 30d or /export 7d."
    asked = await audited_period(message, command, audit, action="export", periods=("30d", "7d"), usage=usage)
    if asked is None:
        return
    table = await statistics.export_csv(int(asked[:-1]))
    document = BufferedInputFile(table.encode("utf-8"), filename=f"safar-daily-{asked}.csv")
    caption = f"Daily aggregates, last {asked}; counts under 5 shown as <5."
    await message.answer_document(document, caption=html.escape(caption))  # sent in HTML mode, like every text
