"""The counsellors' desk in /stats: cases per week, time to a first answer, cases waiting now,
"Did this help?" answers. Counts under 5 are shown as "<5"; percentiles of fewer than 5 answers
are not shown at all."""

import html

from bot.services.desk_figures import HELPED_ANSWERS, DeskSummary
from bot.services.stats import SMALL_CELL
from bot.services.stats import shown as plain_count


def shown(count: int) -> str:
    return html.escape(plain_count(count))


def describe_desk(summary: DeskSummary) -> str:
    lines = ["<b>Counsellors' desk</b> (cases opened → closed, by week from Monday, UTC)"]
    lines += [f"• {week.monday:%d.%m.%Y}: {shown(week.opened)} → {shown(week.closed)}" for week in summary.weeks]
    if not summary.weeks:
        lines.append("• no cases in this period")
    answers = summary.first_answers
    if answers.median_hours is None or answers.p90_hours is None:
        lines.append(f"Time to a first answer: not shown for fewer than {SMALL_CELL} answered cases")
    else:
        lines.append(
            f"Time to a first answer ({shown(answers.count)} cases, to the hour): median {answers.median_hours} h, "
            f"90% within {answers.p90_hours} h"
        )
    lines.append(f"Waiting for a first answer now: {shown(summary.waiting)} · blocked: {shown(summary.blocked)}")
    helped = ", ".join(f"{answer} {shown(summary.helped[answer])}" for answer in HELPED_ANSWERS)
    lines.append(f"Did this help? {helped}")
    return "\n".join(lines)
