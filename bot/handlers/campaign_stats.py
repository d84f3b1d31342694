"""`/stats campaigns` for staff: deep-link opens and new users per campaign per week, counts
under 5 shown as "<5". Staff read English."""

import html
from datetime import timedelta
from itertools import groupby

from aiogram.filters import CommandObject
from aiogram.types import Message

from bot.common.clock import Clock
from bot.handlers.staff_stats import shown
from bot.storage.stores.campaigns import CampaignStore, CampaignWeek

CAMPAIGN_WEEKS = 8
"""Weeks `/stats campaigns` looks back."""
CAMPAIGNS_PER_WEEK_SHOWN = 12
"""The busiest campaigns of each week; keeps the message far below Telegram's 4096 characters."""


async def asks_for_campaigns(message: Message, command: CommandObject) -> bool:
    return (command.args or "").strip().lower() == "campaigns"


def describe_campaigns(weeks: list[CampaignWeek]) -> str:
    lines = [f"<b>Campaigns, last {CAMPAIGN_WEEKS} weeks</b> (deep-link opens · new users)"]
    if not weeks:
        return lines[0] + "\nNo deep link with a campaign tag was opened."
    for week, group in groupby(weeks, key=lambda row: row.week):
        rows = list(group)
        lines.append(f"\n<b>{week}</b>")
        lines += [
            f"• {html.escape(row.campaign)}: {shown(row.opens)} · new {shown(row.new_users)}"
            for row in rows[:CAMPAIGNS_PER_WEEK_SHOWN]
        ]
        if len(rows) > CAMPAIGNS_PER_WEEK_SHOWN:
            lines.append(f"… and {len(rows) - CAMPAIGNS_PER_WEEK_SHOWN} more")
    return "\n".join(lines)


async def campaign_stats_command(message: Message, campaigns: CampaignStore, clock: Clock) -> None:
    since = clock.now().date() - timedelta(weeks=CAMPAIGN_WEEKS - 1)
    await message.answer(describe_campaigns(await campaigns.recent(since)))
