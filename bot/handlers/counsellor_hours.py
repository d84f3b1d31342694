"""The counsellors' working hours as a worker reads them: "09:00–18:00 Dushanbe time (07:00–16:00
Moscow time)", not "(Asia/Dushanbe)". Most readers are in Russia, so Moscow time is added whenever the
desk's clock differs from it; both are computed from the zone database for the day shown, never
written by hand."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from bot.i18n import N_
from bot.services.counsellor_desk import DeskSettings

MOSCOW = ZoneInfo("Europe/Moscow")
ZONE_WORDS = {
    "Asia/Dushanbe": N_("Dushanbe time"),
    "Europe/Moscow": N_("Moscow time"),
    "Asia/Tashkent": N_("Tashkent time"),
    "Asia/Almaty": N_("Almaty time"),
    "Asia/Bishkek": N_("Bishkek time"),
}
"""Zones a desk is likely to keep, in words; any other is shown by its name."""
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"), N_("Sunday"))


def zone_words(zone: ZoneInfo) -> str:
    words = ZONE_WORDS.get(str(zone))
    return _(words) if words is not None else str(zone)


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%H:%M}–{'24:00' if end.time() == time(0) and end > start else f'{end:%H:%M}'}"


def working_hours(settings: DeskSettings, day: datetime) -> str:
    """The working hours on `day`'s date, in the desk's zone and, if it differs, in Moscow's."""
    zone = settings.time_zone
    first, last = settings.hours
    start = datetime.combine(day.astimezone(zone).date(), time(first), tzinfo=zone)
    end = start + timedelta(hours=last - first)
    text = f"{_span(start, end)} {zone_words(zone)}"
    if start.utcoffset() != start.astimezone(MOSCOW).utcoffset():
        text += f" ({_span(start.astimezone(MOSCOW), end.astimezone(MOSCOW))} {zone_words(MOSCOW)})"
    return text


def moment(at: datetime, zone: ZoneInfo) -> str:
    """A moment such as the counsellors' return: "Monday 01.03, 09:00 Dushanbe time (07:00 Moscow time)"."""
    local = at.astimezone(zone)
    text = f"{_(WEEKDAYS[local.weekday()])} {local:%d.%m}, {local:%H:%M} {zone_words(zone)}"
    if local.utcoffset() != local.astimezone(MOSCOW).utcoffset():
        text += f" ({local.astimezone(MOSCOW):%H:%M} {zone_words(MOSCOW)})"
    return text
