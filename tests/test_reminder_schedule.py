"""The rules of reminder times: local dates, quiet hours, month ends, typed dates."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.content.reminder_plans import load_reminder_plans
from bot.services.reminder_schedule import (
    QuietHours,
    arrival_dues,
    departure_dues,
    expiry_due,
    next_monthly,
    out_of_quiet_hours,
    parse_date,
)

PLANS = load_reminder_plans(Path("bot/content"), {p.stem for p in Path("bot/content/lessons").glob("*.yaml")})
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("25.03.2027", date(2027, 3, 25)), ("2027-03-25", date(2027, 3, 25)), ("25/3/27", date(2027, 3, 25)),
        ("25 март", date(2027, 3, 25)), ("25 марта 2027", date(2027, 3, 25)), ("25 марти", date(2027, 3, 25)),
        ("25 mart", date(2027, 3, 25)), ("25 March", date(2027, 3, 25)), ("1 декабря", date(2026, 12, 1)),
        ("22 ноября", date(2026, 11, 22)), ("21 ноября", date(2027, 11, 21)),
    ],
)  # fmt: skip
def test_dates_as_people_type_them(typed: str, meant: date) -> None:
    assert parse_date(typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["31.02.2027", "tomorrow", "25", "25 мартобрь", "2027-13-01", ""])
def test_what_is_not_a_date(typed: str) -> None:
    assert parse_date(typed, TODAY) is None


def test_the_31st_becomes_the_last_day_of_shorter_months() -> None:
    after_january = datetime(2027, 1, 31, 8, 0, tzinfo=UTC)  # 11:00 in Moscow: January's is past
    assert next_monthly(31, after_january, "Europe/Moscow") == datetime(2027, 2, 28, 7, 0, tzinfo=UTC)
    assert next_monthly(31, datetime(2028, 2, 1, tzinfo=UTC), "Europe/Moscow") == datetime(
        2028, 2, 29, 7, 0, tzinfo=UTC
    )
    assert next_monthly(30, datetime(2027, 4, 30, 6, 0, tzinfo=UTC), "Europe/Moscow") == datetime(
        2027, 4, 30, 7, 0, tzinfo=UTC
    )


def test_zones_without_daylight_saving_keep_ten_oclock_all_year() -> None:
    winter = next_monthly(15, datetime(2027, 1, 1, tzinfo=UTC), "Asia/Dushanbe")
    summer = next_monthly(15, datetime(2027, 7, 1, tzinfo=UTC), "Asia/Dushanbe")
    assert (winter.hour, summer.hour) == (5, 5)  # 10:00 at UTC+5, in January and in July


def test_a_plan_made_just_before_midnight_in_dushanbe_counts_dushanbe_days() -> None:
    late_evening = datetime(2027, 2, 22, 18, 30, tzinfo=UTC)  # 23:30 in Dushanbe, still the 22nd
    dues = dict(departure_dues(PLANS, date(2027, 3, 25), "Asia/Dushanbe", late_evening))
    assert dues == {
        "documents": datetime(2027, 2, 23, 5, 0, tzinfo=UTC),  # 30 days before: 23 Feb, 10:00 local
        "agency_and_contract": datetime(2027, 3, 18, 5, 0, tzinfo=UTC),
        "last_day": datetime(2027, 3, 24, 5, 0, tzinfo=UTC),
    }


def test_steps_already_past_are_not_planned() -> None:
    dues = departure_dues(PLANS, date(2027, 3, 25), "Asia/Dushanbe", datetime(2027, 3, 20, tzinfo=UTC))
    assert [item for item, _ in dues] == ["last_day"]


def test_arrival_deadlines_in_russia() -> None:
    arrived = datetime(2027, 4, 1, 12, 0, tzinfo=UTC)
    dues = dict(arrival_dues(PLANS, "RU", date(2027, 4, 1), "Europe/Moscow", arrived))
    assert dues == {
        "registration": datetime(2027, 4, 13, 7, 0, tzinfo=UTC),  # day 15 minus 3 days, 10:00 Moscow
        "patent_application": datetime(2027, 4, 24, 7, 0, tzinfo=UTC),  # day 30 minus 7 days
        "fingerprints": datetime(2027, 4, 24, 7, 0, tzinfo=UTC),
        "medical": datetime(2027, 4, 24, 7, 0, tzinfo=UTC),
    }
    kazakhstan = dict(arrival_dues(PLANS, "KZ", date(2027, 4, 1), "Asia/Almaty", arrived))
    assert kazakhstan == {"registration": datetime(2027, 4, 26, 5, 0, tzinfo=UTC)}  # day 30 minus 5, 10:00 Almaty


def test_quiet_hours_wait_for_the_morning() -> None:
    quiet = QuietHours(21, 8)
    night = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)  # 22:00 in Moscow
    assert out_of_quiet_hours(night, "Europe/Moscow", quiet) == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    early = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 05:00 in Moscow
    assert out_of_quiet_hours(early, "Europe/Moscow", quiet) == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    day = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert out_of_quiet_hours(day, "Europe/Moscow", quiet) == day


def test_a_document_reminder_too_late_for_its_weeks_comes_at_the_next_delivery() -> None:
    now = datetime(2027, 5, 10, 12, 0, tzinfo=UTC)  # 17:00 in Dushanbe
    assert expiry_due(date(2027, 8, 1), 4, "Asia/Dushanbe", now) == datetime(2027, 7, 4, 5, 0, tzinfo=UTC)
    assert expiry_due(date(2027, 5, 20), 4, "Asia/Dushanbe", now) == datetime(2027, 5, 11, 5, 0, tzinfo=UTC)


def test_the_patent_payment_reminder_comes_days_before_the_paid_month_ends() -> None:
    """Tula's Interior Ministry office advises paying 3–4 days early: the plan reminds 4 days before."""
    early = PLANS.monthly_remind_days_before
    assert early == 4
    due = next_monthly(9, datetime(2027, 3, 20, tzinfo=UTC), "Europe/Moscow", early)
    assert due == datetime(2027, 4, 5, 7, 0, tzinfo=UTC), "paid month ends on the 9th: remind on the 5th"
    start_of_month = next_monthly(2, datetime(2027, 3, 20, tzinfo=UTC), "Europe/Moscow", early)
    assert start_of_month == datetime(2027, 3, 29, 7, 0, tzinfo=UTC), "4 days before 2 April is in March"


def test_a_payment_reminder_set_inside_the_last_days_comes_at_once_not_next_month() -> None:
    now = datetime(2027, 4, 7, 12, 0, tzinfo=UTC)  # the 5th has passed, the 9th has not
    assert next_monthly(9, now, "Europe/Moscow", 4, catch_up=True) == datetime(2027, 4, 8, 7, 0, tzinfo=UTC)
    assert next_monthly(9, now, "Europe/Moscow", 4) == datetime(2027, 5, 5, 7, 0, tzinfo=UTC), "after delivery"
