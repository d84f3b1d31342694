"""`/offers` for staff with the viewer role: the advert check's early warning, week by week.

How many adverts people had Safar read, the flags found, the public channels at least three
different people forwarded from that week, and copies of one advert read more than once (grouped by
their fingerprints). Staff read English. Nothing here names or counts a person.
"""

import html
from datetime import timedelta

from aiogram.types import Message

from bot.common.clock import Clock
from bot.common.telegram_limits import MAX_MESSAGE_CHARS
from bot.handlers.staff_stats import shown
from bot.services.advert_watch import MIN_PEOPLE, AdvertWatch, WeekFigures
from bot.storage.stores.campaigns import iso_week

OFFER_WEEKS = 4
"""Weeks `/offers` shows the totals of; the latest week in detail."""
SHOWN_ROWS = 10
"""Channels and spreading adverts listed, each."""


def describe_offers(latest: WeekFigures, totals: list[tuple[str, int]]) -> str:
    lines = [f"<b>Adverts checked, week {latest.week}</b>: {shown(latest.adverts)}"]
    if latest.flags:
        lines.append("<b>Red flags found</b>")
        lines += [f"• {html.escape(flag)}: {shown(count)}" for flag, count in latest.flags]
    lines.append(f"\n<b>Public channels forwarded from by {MIN_PEOPLE}+ people</b>")
    if latest.channels:
        lines += [
            f"• @{html.escape(channel)}: {people} people, {adverts} adverts"
            for channel, people, adverts in latest.channels[:SHOWN_ROWS]
        ]
    else:
        lines.append("none this week")
    if latest.spreading:
        lines.append("\n<b>One advert read several times</b> (near-copies, grouped by fingerprint)")
        for advert in latest.spreading[:SHOWN_ROWS]:
            channels = ", ".join(f"@{html.escape(c)}" for c in advert.channels) or "no channel shown"
            flags = ", ".join(advert.flags) or "no flag"
            lines.append(f"• {advert.copies} copies · {channels} · {html.escape(flags)}")
    if totals:
        lines.append("\n<b>Adverts checked per week</b>")
        lines += [f"• {week}: {shown(count)}" for week, count in totals]
    text = "\n".join(lines)
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1].rsplit("\n", 1)[0]


async def offers_command(message: Message, advert_watch: AdvertWatch, clock: Clock) -> None:
    today = clock.now().date()
    latest = await advert_watch.week(iso_week(today))
    totals = await advert_watch.weeks(iso_week(today - timedelta(weeks=OFFER_WEEKS - 1)))
    await message.answer(describe_offers(latest, totals))
