"""The contract-copy reminder: the person types the patent's date of issue and is reminded, by the
real scheduler on a hand-set clock, 10 days before the copy of the labour contract must have reached
the Interior Ministry (2 months from the issue); never offered to a Kyrgyz citizen."""

from datetime import UTC, date, datetime

import pytest

from bot.config import Settings
from bot.i18n import reminders as text
from bot.storage.stores.reminders import ReminderStore
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.reminding import open_reminders, say
from tests.support.running import RunningBot
from tests.support.stored import stored

pytestmark = pytest.mark.both_backends

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # 17:00 in Dushanbe
TITLES = {
    "tg": "Нусхаи шартнома барои патент",
    "ru": "Копия договора для патента",
    "uz": "Patent uchun shartnoma nusxasi",
    "en": "Contract copy for the patent",
}
"""The first line of the reminder, as reminders.yaml writes it."""


def dushanbe_ten(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


async def give_patent_date(user: FakeUser, language: str, typed: str) -> Sent:
    await user.press(await open_reminders(user), say(text.CONTRACT, language))
    assert (await user.reply()).text == say(text.PATENT_ISSUED, language)
    await user.send(typed)
    return await user.reply()


def discreet(day: date, language: str) -> str:
    title = say(text.DISCREET_TITLE, language).format(date=day.strftime("%d.%m.%Y"))
    return f"{title}\n{say(text.DISCREET_HINT, language)}"


async def rows(settings: Settings, query: str) -> list[tuple[object, ...]]:
    return await stored(settings, query)


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_the_contract_copy_is_reminded_ten_days_before_two_months_from_the_typed_patent_date(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, language: str
) -> None:
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    done = await give_patent_date(user, language, "15.02.2027")
    assert done.text == say(text.CONTRACT_SET, language).format(deadline="15.04.2027", day="05.04.2027")
    menu = await open_reminders(user)
    item = say(text.CONTRACT_ITEM, language).format(deadline="15.04.2027")
    assert f"1. 05.04.2027 10:00 — {item}" in menu.text

    clock.set(dushanbe_ten(date(2027, 4, 5)))
    reminder = await user.reply(within=5)
    assert reminder.text == discreet(date(2027, 4, 5), language), "a locked phone shows only the date"
    await user.press(reminder, say(text.SHOW, language))
    shown = (await user.reply()).text
    assert shown.startswith(f"<b>{TITLES[language]}</b>\n") and "15.04.2027" in shown


async def test_a_patent_issued_on_the_31st_of_december_is_due_on_the_last_day_of_february(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 1, 10, 12, 0, tzinfo=UTC))
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    done = await give_patent_date(user, "en", "31.12.2026")
    assert done.text == say(text.CONTRACT_SET, "en").format(deadline="28.02.2027", day="18.02.2027")


async def test_dates_that_cannot_be_used_get_a_clear_answer_and_a_late_one_is_told_so(
    telegram: FakeTelegram, reminding_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    assert (await give_patent_date(user, "ru", "прошлой весной")).text == say(text.BAD_PATENT_DATE, "ru")
    await user.send("01.01.2028")
    assert (await user.reply()).text == say(text.FUTURE_PATENT_DATE, "ru")
    await user.send("01.12.2026")
    late = (await user.reply()).text
    assert late == say(text.CONTRACT_LATE, "ru").format(deadline="01.02.2027")
    assert await rows(settings, "SELECT COUNT(*) FROM reminders") == [(0,)]


async def test_a_kyrgyz_citizen_is_not_asked_for_a_patent_date(
    telegram: FakeTelegram, reminding_bot: RunningBot
) -> None:
    user = telegram.user(language_code="uz")
    await start_in(user, LANGUAGE_LABELS["uz"])
    await user.send("/country")
    await user.press(await user.reply(), "Qirgʻiziston")
    await user.reply()
    await user.press(await open_reminders(user), say(text.CONTRACT, "uz"))
    assert (await user.reply()).text == say(text.NO_PATENT_FOR_EAEU, "uz")


async def test_the_contract_copy_reminder_is_replaced_by_a_new_date_and_can_be_switched_off(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await give_patent_date(user, "en", "10.02.2027")
    await give_patent_date(user, "en", "15.02.2027")
    assert await rows(settings, "SELECT COUNT(*) FROM reminders WHERE kind = 'contract'") == [(1,)]
    await user.press(await open_reminders(user), "A document expires")
    await user.reply()
    await user.send("01.06.2027")
    await user.press(await user.reply(), "1 week(s) before")
    await user.reply()

    menu = await open_reminders(user)
    assert "1. 05.04.2027 10:00 — contract copy (by 15.04.2027)" in menu.text
    assert (await user.press(menu, "Cancel 1"))["text"] == "Cancelled."
    assert "contract copy" not in (await user.reply()).text
    clock.set(dushanbe_ten(date(2027, 5, 25)))  # past 5 April: the next message is the document's
    assert (await user.reply(within=5)).text == discreet(date(2027, 5, 25), "en")


async def test_at_the_limit_of_twenty_the_person_is_told_and_nothing_is_added(
    telegram: FakeTelegram, reminding_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.press(await open_reminders(user), "A document expires")
    await user.reply()
    await user.send("01.06.2027")
    await user.press(await user.reply(), "1 week(s) before")
    await user.reply()
    [(user_key,)] = await rows(settings, "SELECT user_key FROM reminders")
    store = ReminderStore(reminding_bot.app.database, reminding_bot.app.cipher)
    for number in range(19):
        due = datetime(2027, 11, 1 + number, 5, tzinfo=UTC)
        assert await store.add(str(user_key), "expiry", f"2028-01-{number + 1:02d}", due, {"date": "01.01.2028"})
    refused = await give_patent_date(user, "en", "15.02.2027")
    assert refused.text == say(text.TOO_MANY, "en").format(limit=20)
    assert await rows(settings, "SELECT COUNT(*) FROM reminders WHERE kind = 'contract'") == [(0,)]
