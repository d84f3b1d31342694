"""The reminders' calendar: a month under a row of weekday names in the reader's language, each
day in its weekday's column, and only the days that can be right offered: a departure or an expiry
is ahead (from tomorrow to `LATEST_YEARS_AHEAD` years on), a day of arrival is today or before (up
to `ARRIVAL_DAYS_BACK` days), with "Today" first. The arrows stop where no day could be chosen any
more. Weekday and month names are CLDR's (bot/i18n/calendar_names.py)."""

import calendar
from datetime import date, timedelta

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _

from bot.common.navigation import NavAction
from bot.content.rendering import day_text
from bot.handlers.callback_data import DatePurpose, Navigate, PickDate
from bot.handlers.screens import nav_label
from bot.i18n import reminders as text
from bot.i18n.calendar_names import MONTHS, WEEKDAYS
from bot.services.reminder_planning import latest_day

NOT_OFFERED = "·"
"""A cell with no day to choose: before the 1st, after the last day, or a day that cannot be right."""


def weekday_names(language: str) -> tuple[str, ...]:
    """Monday to Sunday, abbreviated as the language writes them ("Дшб", "пн", "Dush", "Mon")."""
    return WEEKDAYS.get(language, WEEKDAYS["en"])


def month_names(language: str) -> tuple[str, ...]:
    return MONTHS.get(language, MONTHS["en"])


ARRIVAL_DAYS_BACK = 365
"""How far back a day of arrival is offered: no arrival step has a longer deadline (ArrivalItem)."""


def offered_days(purpose: DatePurpose, today: date) -> tuple[date, date]:
    """The first and last day that can be chosen for `purpose`."""
    if purpose == "arr":
        return today - timedelta(days=ARRIVAL_DAYS_BACK), today
    return today + timedelta(days=1), latest_day(today)


def shown_month(purpose: DatePurpose, year: int, month: int, today: date) -> tuple[int, int]:
    """The month asked for, brought within the months that have a day to choose."""
    first, last = offered_days(purpose, today)
    return min(max((year, month), (first.year, first.month)), (last.year, last.month))


def calendar_markup(purpose: DatePurpose, year: int, month: int, today: date, language: str) -> InlineKeyboardMarkup:
    year, month = shown_month(purpose, year, month, today)
    first, last = offered_days(purpose, today)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    previous = max(previous, (first.year, first.month))  # the same month again at either end
    following = min(following, (last.year, last.month))

    def show(at: tuple[int, int], label: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text=label, callback_data=PickDate(purpose=purpose, year=at[0], month=at[1]).pack())

    this_month = PickDate(purpose=purpose, year=year, month=month).pack()
    rows = [
        [show(previous, "◀"), show((year, month), f"{month_names(language)[month - 1]} {year}"), show(following, "▶")],
        [InlineKeyboardButton(text=name, callback_data=this_month) for name in weekday_names(language)],
    ]
    if purpose == "arr":  # most people say so on the day
        today_data = PickDate(purpose=purpose, year=today.year, month=today.month, day=today.day).pack()
        label = _(text.TODAY).format(date=day_text(today))
        rows.insert(0, [InlineKeyboardButton(text=label, callback_data=today_data)])
    for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdayscalendar(year, month):
        row = []
        for day in week:
            if day and first <= date(year, month, day) <= last:
                data = PickDate(purpose=purpose, year=year, month=month, day=day).pack()
                row.append(InlineKeyboardButton(text=str(day), callback_data=data))
            else:
                row.append(InlineKeyboardButton(text=NOT_OFFERED, callback_data=this_month))
        rows.append(row)
    nav = [NavAction.HOME, NavAction.HELP]
    rows.append([InlineKeyboardButton(text=nav_label(a), callback_data=Navigate(to=a).pack()) for a in nav])
    return InlineKeyboardMarkup(inline_keyboard=rows)
