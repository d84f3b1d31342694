"""Choosing a date in /reminders as a person does: a month under weekday names in their language,
each day in its weekday's column, only days that can be right offered (a departure or an expiry is
ahead, and not decades ahead; a day of arrival is today or before), and a clear answer to a date
that cannot be right, pressed on an old or forged button or typed."""

from datetime import UTC, date, datetime

import pytest

from bot.handlers.callback_data import PickDate
from bot.i18n.reminders import (
    ARRIVAL_DATE,
    ARRIVED,
    BAD_DATE,
    DEPARTURE,
    FUTURE_ARRIVAL,
    LATE_STEPS,
    LONG_AGO_ARRIVAL,
    PAST_DATE,
    PLANNED,
    TOO_FAR_DATE,
)
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.reminding import open_reminders, say
from tests.support.running import RunningBot

TODAY = date(2027, 2, 22)
"""A Monday in Dushanbe, the home time zone."""
WEEKDAYS = {
    "tg": ["Дшб", "Сшб", "Чшб", "Пшб", "Ҷмъ", "Шнб", "Яшб"],
    "ru": ["пн", "вт", "ср", "чт", "пт", "сб", "вс"],
    "uz": ["Dush", "Sesh", "Chor", "Pay", "Jum", "Shan", "Yak"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}
FEBRUARY = {"tg": "Феврал 2027", "ru": "февраль 2027", "uz": "Fevral 2027", "en": "February 2027"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2027, 2, 22, 6, 0, tzinfo=UTC))


async def departure_calendar(user: FakeUser, language: str) -> Sent:
    await start_in(user, LANGUAGE_LABELS[language])
    await user.press(await open_reminders(user), say(DEPARTURE, language))
    return await user.reply()


def days(calendar: Sent) -> list[list[str]]:
    """The weeks' rows: between the weekday names and the menu row."""
    return [[b["text"] for b in row] for row in calendar.buttons[2:-1]]


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_the_calendar_has_weekday_names_and_each_day_under_its_weekday(
    telegram: FakeTelegram, reminding_bot: RunningBot, language: str
) -> None:
    calendar = await departure_calendar(telegram.user(language_code=language), language)
    assert [b["text"] for b in calendar.buttons[0]] == ["◀", FEBRUARY[language], "▶"]
    assert [b["text"] for b in calendar.buttons[1]] == WEEKDAYS[language]
    weeks = days(calendar)
    assert all(len(week) == 7 for week in weeks)
    assert weeks[-1] == ["·", "23", "24", "25", "26", "27", "28"], "22 is today: a departure is ahead"
    assert all(label == "·" for week in weeks[:-1] for label in week), "the days gone are not offered"
    assert all(len(str(b["callback_data"]).encode()) <= 64 for row in calendar.buttons for b in row)
    back = PickDate.unpack(str(calendar.buttons[0][0]["callback_data"]))
    assert (back.year, back.month) == (2027, 2), "no month before this one has a day to choose"


async def test_dates_that_cannot_be_right_are_refused_clearly_with_the_calendar_again(
    telegram: FakeTelegram, reminding_bot: RunningBot
) -> None:
    user = telegram.user(language_code="tg")
    calendar = await departure_calendar(user, "tg")
    for forged, answer in (
        ("cal:dep:2027:2:30", BAD_DATE),  # 30 February
        ("cal:dep:2027:2:10", PAST_DATE),  # a day gone, from an old calendar
        ("cal:dep:2099:1:5", TOO_FAR_DATE),
    ):
        await user.press_data(calendar, forged)
        shown = await user.reply()
        assert shown.text == say(answer, "tg"), forged
        assert [b["text"] for b in shown.buttons[1]] == WEEKDAYS["tg"], "and the calendar to choose again"
    await user.send("25.03.2072")  # a year mistyped
    assert (await user.reply()).text == say(TOO_FAR_DATE, "tg")
    await user.press_data(calendar, "cal:dep:2190:5:0")  # a month far beyond: the last that has days
    assert (await user.reply()).buttons[0][1]["text"] == "Феврал 2047"
    await user.send("25.03.2027")
    assert (await user.reply()).text == say("Where are you going?", "tg"), "a right date still goes on"


async def where_arrived(user: FakeUser, language: str, place: str) -> Sent:
    """/reminders, "I have arrived", the place: returns the arrival calendar."""
    await user.press(await open_reminders(user), say(ARRIVED, language))
    await user.press(await user.reply(), place)
    return await user.reply()


async def test_the_day_of_arrival_is_asked_and_the_deadlines_count_from_it(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    """Someone who reached Russia twelve days ago is reminded of the registration today (its
    deadline is in 3 days), not twelve days late as if they had arrived today."""
    clock.set(datetime(2027, 2, 22, 6, 0, tzinfo=UTC))  # 09:00 in Moscow
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    calendar = await where_arrived(user, "en", "Russia")
    assert calendar.text.startswith(say(ARRIVAL_DATE, "en"))
    assert calendar.buttons[0][0]["text"] == "Today, 22.02.2027"
    assert [b["text"] for b in calendar.buttons[2]] == WEEKDAYS["en"]
    assert days(calendar)[1:][-1] == ["22", "·", "·", "·", "·", "·", "·"], "no day still to come"
    back = PickDate.unpack(str(calendar.buttons[1][0]["callback_data"]))
    assert (back.year, back.month) == (2027, 1), "earlier months can be shown"

    await user.press(calendar, "10")
    planned = (await user.reply()).text.splitlines()
    assert planned[0] == say(PLANNED, "en")
    assert "• 22.02.2027 10:00 — Migration registration" in planned
    assert say(LATE_STEPS, "en") not in planned


async def test_an_arrival_weeks_ago_shows_the_deadlines_too_close_to_remind_at_once(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 2, 22, 6, 0, tzinfo=UTC))
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await where_arrived(user, "en", "Russia")
    await user.send("01.02.2027")
    planned = (await user.reply()).text.splitlines()
    late = planned.index(say(LATE_STEPS, "en"))
    assert planned[late + 1 :] == ["• 16.02.2027 — Migration registration"], "its deadline, not a reminder"
    assert not any("Migration registration" in line for line in planned[:late])
    assert any(line.startswith("• 24.02.2027 10:00 — ") for line in planned[:late]), "the 30-day steps still ahead"


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_a_day_of_arrival_still_to_come_is_refused_clearly(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, language: str
) -> None:
    clock.set(datetime(2027, 2, 22, 6, 0, tzinfo=UTC))
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    calendar = await where_arrived(
        user, language, {"tg": "Русия", "ru": "Россия", "uz": "Rossiya", "en": "Russia"}[language]
    )
    await user.press_data(calendar, "cal:arr:2027:2:25")  # forged: a day the calendar does not offer
    refused = await user.reply()
    assert refused.text == say(FUTURE_ARRIVAL, language)
    assert refused.buttons[0][0]["text"].endswith("22.02.2027"), "the calendar again, today first"
    await user.send("25.02.2027")
    assert (await user.reply()).text == say(FUTURE_ARRIVAL, language)


@pytest.mark.parametrize("language", ["tg", "en"])
async def test_a_day_of_arrival_years_ago_is_a_year_mistyped_and_refused_clearly(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, language: str
) -> None:
    """A year slip ("12.03.2017" for 2027) would list every step as too late, with deadlines years old."""
    clock.set(datetime(2027, 2, 22, 6, 0, tzinfo=UTC))
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    await where_arrived(user, language, {"tg": "Русия", "en": "Russia"}[language])
    await user.send("12.02.2017")
    refused = await user.reply()
    assert refused.text == say(LONG_AGO_ARRIVAL, language)
    assert refused.buttons[0][0]["text"].endswith("22.02.2027"), "the calendar again, today first"
    await user.send("12.02.2027")
    assert say(LATE_STEPS, language) not in (await user.reply()).text, "ten days ago: the steps are still ahead"


async def test_a_typed_day_of_arrival_without_a_year_is_the_last_such_day(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 2, 22, 6, 0, tzinfo=UTC))
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await where_arrived(user, "ru", "Россия")
    await user.send("20 февраля")  # this February, not next year's
    assert "• 04.03.2027 10:00 — Миграционный учёт" in (await user.reply()).text.splitlines()


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
def test_the_calendars_names_are_cldrs(language: str) -> None:
    """The names are written out to spare the bot Babel's locale data (about 7 MB for four languages):
    they must stay what CLDR says."""
    from babel.dates import get_day_names, get_month_names

    from bot.i18n.calendar_names import MONTHS
    from bot.i18n.calendar_names import WEEKDAYS as NAMES

    days = get_day_names("abbreviated", locale=language)
    months = get_month_names("wide", context="stand-alone", locale=language)
    assert NAMES[language] == tuple(days[day] for day in range(7))
    assert MONTHS[language] == tuple(months[month] for month in range(1, 13))
