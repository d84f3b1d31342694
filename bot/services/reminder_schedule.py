"""When reminders are due: local delivery times, quiet hours, month ends, typed dates.

Pure functions of dates and time zones, so every rule can be tested without a bot.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from bot.content.reminder_plans import ReminderPlans

DELIVERY_HOUR = 10
"""Date-based reminders arrive at this local hour."""
TIME_ZONES = (
    "Asia/Dushanbe", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
    "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Vladivostok", "Asia/Almaty", "Asia/Tashkent",
)  # fmt: skip
"""The time zones a user can choose, where Central Asian migrants live and work."""
HOME_ZONE = "Asia/Dushanbe"
"""Where people are before they leave: the time zone until they arrive or choose another."""
WEEK_CHOICES = (1, 2, 4, 8)
"""How many weeks before a document expires its reminder may come."""


@dataclass(frozen=True)
class QuietHours:
    """Local hours during which nothing is delivered; `start` > `end` spans midnight."""

    start: int = 21
    end: int = 8

    def contains(self, hour: int) -> bool:
        if self.start > self.end:
            return hour >= self.start or hour < self.end
        return self.start <= hour < self.end


QUIET_HOURS = QuietHours()


def local_moment(day: date, hour: int, zone: str) -> datetime:
    """`day` at `hour` o'clock in `zone`, as a UTC time."""
    return datetime.combine(day, time(hour), ZoneInfo(zone)).astimezone(UTC)


def out_of_quiet_hours(moment: datetime, zone: str, quiet: QuietHours) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (the next morning, local time)."""
    local = moment.astimezone(ZoneInfo(zone))
    if not quiet.contains(local.hour):
        return moment
    morning = local.date() if local.hour < quiet.end else local.date() + timedelta(days=1)
    return local_moment(morning, quiet.end, zone)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def on_day_of_month(year: int, month: int, day: int) -> date:
    """The `day` of that month, or its last day when the month is shorter (31 → 28 February)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def next_monthly(day_of_month: int, now: datetime, zone: str, days_early: int = 0, catch_up: bool = False) -> datetime:
    """The next monthly reminder still ahead of `now`: `days_early` days before `day_of_month`.

    The day is when the paid month ends; the reminder comes early because the Interior Ministry's
    Tula office advises paying a few days before, and a late payment ends the patent. With
    `catch_up` (a reminder just set up), a month whose early day has passed but whose last day has
    not is reminded at the next delivery hour instead of being skipped.
    """
    today = local_today(now, zone)
    year, month = today.year, today.month
    for _ in range(3):
        end = on_day_of_month(year, month, day_of_month)
        due = local_moment(end - timedelta(days=days_early), DELIVERY_HOUR, zone)
        if due > now:
            return due
        if catch_up and local_moment(end, DELIVERY_HOUR, zone) > now:
            return next_delivery(now, zone)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("a monthly date is always found within two months")


_MONTHS = {
    # Russian and Tajik (nominative and genitive), Uzbek and English, folded to lower case.
    1: "январь января январ январи yanvar january jan",
    2: "февраль февраля феврал феврали fevral february feb",
    3: "март марта марти mart march mar",
    4: "апрель апреля апрел апрели aprel april apr",
    5: "май мая май майи may",
    6: "июнь июня июн июни iyun june jun",
    7: "июль июля июл июли iyul july jul",
    8: "август августа августи avgust august aug",
    9: "сентябрь сентября сентябр сентябри sentabr sentyabr september sep sept",
    10: "октябрь октября октябр октябри oktabr oktyabr october oct",
    11: "ноябрь ноября ноябр ноябри noyabr november nov",
    12: "декабрь декабря декабр декабри dekabr december dec",
}
MONTH_NAMES = {name: number for number, names in _MONTHS.items() for name in names.split()}
_NUMERIC = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_WORDS = re.compile(r"^\s*(\d{1,2})\s+([^\d\s.,]+)\.?(?:\s+(\d{4}))?\s*(?:г\.?|сол[и]?|yil)?\s*$", re.IGNORECASE)


def parse_date(text: str, today: date, *, past: bool = False) -> date | None:
    """A date as people type it: 25.03.2027, 2027-03-25, 25/3/27, "25 март", "25 марта 2027".

    Without a year, the next such date from `today` is meant, or with `past` (a day of arrival) the
    last one up to today. None when it is not a date.
    """
    try:
        if match := _ISO.match(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC.match(text):
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            return date(year, int(match[2]), int(match[1]))
        if match := _WORDS.match(text):
            month = MONTH_NAMES.get(match[2].lower().replace("ё", "е"))
            if month is None:
                return None
            if match[3]:
                return date(int(match[3]), month, int(match[1]))
            candidate = date(today.year, month, int(match[1]))
            if past:
                return candidate if candidate <= today else date(today.year - 1, month, int(match[1]))
            return candidate if candidate >= today else date(today.year + 1, month, int(match[1]))
    except ValueError:  # 31.02, month 13 ...
        return None
    return None


def departure_dues(plans: "ReminderPlans", departure: date, zone: str, now: datetime) -> list[tuple[str, datetime]]:
    """The checklist steps still ahead: each `days_before` the departure, at the delivery hour."""
    dues = [
        (item.id, local_moment(departure - timedelta(days=item.days_before), DELIVERY_HOUR, zone))
        for item in plans.departure
    ]
    return [(item, due) for item, due in dues if due > now]


def arrival_dues(
    plans: "ReminderPlans", destination: str, arrival: date, zone: str, now: datetime, citizens_of: str | None = None
) -> list[tuple[str, datetime]]:
    """A reminder `remind_days_before` each deadline counted from the day of arrival, leaving out
    the deadlines that do not bind citizens of `citizens_of` (the passport's country, if given)."""
    place = plans.destinations.get(destination)
    if place is None:
        return []
    dues = [
        (
            item.id,
            local_moment(arrival + timedelta(days=item.deadline_days - item.remind_days_before), DELIVERY_HOUR, zone),
        )
        for item in place.arrival
        if citizens_of not in item.not_for_citizens
    ]
    return [(item, due if due > now else next_delivery(now, zone)) for item, due in dues]


def late_arrival_steps(
    plans: "ReminderPlans", destination: str, arrival: date, today: date, citizens_of: str | None = None
) -> list[tuple[str, date]]:
    """The arrival steps whose reminder day is gone by `today` (the person arrived days ago), with
    their deadlines: a reminder now would say "3 days are left" when fewer are, or none, so they are
    shown at once instead, deadline and all."""
    place = plans.destinations.get(destination)
    if place is None:
        return []
    return [
        (item.id, arrival + timedelta(days=item.deadline_days))
        for item in place.arrival
        if citizens_of not in item.not_for_citizens
        and arrival + timedelta(days=item.deadline_days - item.remind_days_before) < today
    ]


def regular_dues(
    plans: "ReminderPlans", destination: str, arrival: date, zone: str, citizens_of: str | None = None
) -> list[tuple[str, int, datetime]]:
    """The repeating reminders of a destination (id, every how many days, first time): the first
    comes `every_days` after the day of arrival, at the delivery hour."""
    place = plans.destinations.get(destination)
    if place is None:
        return []
    return [
        (item.id, item.every_days, next_regular(arrival, item.every_days, zone))
        for item in place.regular
        if citizens_of not in item.not_for_citizens
    ]


def next_regular(last: date, every_days: int, zone: str) -> datetime:
    """A repeating reminder's next time: `every_days` after the local day `last`, at the delivery hour."""
    return local_moment(last + timedelta(days=every_days), DELIVERY_HOUR, zone)


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter (31.12 → 28.02)."""
    year, month = divmod(day.month - 1 + months, 12)
    return on_day_of_month(day.year + year, month + 1, day.day)


def contract_copy_due(
    issued: date, months: int, days_before: int, zone: str, now: datetime
) -> tuple[date, datetime] | None:
    """The day the contract copy must have reached the Ministry by, and when to remind of it:
    `days_before` that day, or the next delivery hour if that has passed; None once the day has."""
    deadline = months_after(issued, months)
    if deadline < local_today(now, zone):
        return None
    due = local_moment(deadline - timedelta(days=days_before), DELIVERY_HOUR, zone)
    return deadline, due if due > now else next_delivery(now, zone)


def next_delivery(now: datetime, zone: str) -> datetime:
    """The next delivery hour from now: today if it is still ahead, else tomorrow."""
    today = local_moment(local_today(now, zone), DELIVERY_HOUR, zone)
    return today if today > now else local_moment(local_today(now, zone) + timedelta(days=1), DELIVERY_HOUR, zone)


def tomorrow_delivery(now: datetime, zone: str) -> datetime:
    """Tomorrow at the delivery hour, local time ("remind me tomorrow")."""
    return local_moment(local_today(now, zone) + timedelta(days=1), DELIVERY_HOUR, zone)


def expiry_due(expiry: date, weeks_before: int, zone: str, now: datetime) -> datetime:
    """`weeks_before` the expiry; if that has passed already, at the next delivery hour."""
    due = local_moment(expiry - timedelta(weeks=weeks_before), DELIVERY_HOUR, zone)
    return due if due > now else next_delivery(now, zone)
