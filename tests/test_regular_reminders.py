"""Moscow's repeating Amina check: planned on arrival, delivered every 3 days by the real scheduler
on a hand-set clock, in the person's language, discreet unless they chose plain texts, cancelled
like any other reminder, and counted towards the twenty a person can have waiting."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.i18n import reminders as text
from bot.storage.stores.reminders import ReminderStore
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.reminding import arrived_today, open_reminders, say
from tests.support.running import RunningBot
from tests.support.stored import stored
from tests.support.waiting import eventually

pytestmark = pytest.mark.both_backends

ARRIVAL = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # 15:00 in Moscow
AMINA_TITLES = {
    "tg": "«Амина»: ҷойгиршавиро санҷед",
    "ru": "«Амина»: проверьте геолокацию",
    "uz": "«Amina»: joylashuvni tekshiring",
    "en": "Amina: check your location",
}
"""The first line of the Amina reminder, as reminders.yaml writes it."""
THREE_WORKING_DAYS = {"tg": "3 рӯзи корӣ", "ru": "3 рабочих дней", "uz": "3 ish kunidan", "en": "3 working days"}


def moscow_ten(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(ARRIVAL)


async def arrive_in_moscow(user: FakeUser, language: str, bot: RunningBot) -> Sent:
    """The person says in /reminders that they arrived in Moscow; returns the plan they are shown."""
    moscow = bot.app.content.current.plans.destinations["RU_MSK"].name[language]
    await user.press(await open_reminders(user), say(text.ARRIVED, language))
    await user.press(await user.reply(), moscow)
    await arrived_today(user)
    return await user.reply()


def discreet(day: date, language: str) -> str:
    title = say(text.DISCREET_TITLE, language).format(date=day.strftime("%d.%m.%Y"))
    return f"{title}\n{say(text.DISCREET_HINT, language)}"


async def rows(settings: Settings, query: str) -> list[tuple[object, ...]]:
    return await stored(settings, query)


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_in_moscow_the_amina_check_comes_every_three_days_discreetly_in_the_persons_language(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, language: str
) -> None:
    user = telegram.user(language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    planned = (await arrive_in_moscow(user, language, reminding_bot)).text
    assert f"• 04.03.2027 10:00 — {AMINA_TITLES[language]}" in planned, "3 days after the day of arrival"

    clock.set(moscow_ten(date(2027, 3, 2)))
    assert (await user.reply(within=5)).text == discreet(date(2027, 3, 2), language)  # registration through Amina
    for day in (date(2027, 3, 4), date(2027, 3, 7), date(2027, 3, 10)):
        clock.set(moscow_ten(day) - timedelta(minutes=1))
        clock.set(moscow_ten(day))
        reminder = await user.reply(within=5)
        assert reminder.text == discreet(day, language), "a locked phone shows only the date"
        await user.press(reminder, say(text.SHOW, language))
        shown = (await user.reply()).text
        assert shown.startswith(f"<b>{AMINA_TITLES[language]}</b>\n")
        assert THREE_WORKING_DAYS[language] in shown and "/reminders" in shown
    menu = await open_reminders(user)
    assert f"13.03.2027 10:00 — {AMINA_TITLES[language]}" in menu.text, "the next one is planned"


async def test_with_plain_texts_the_amina_check_arrives_in_full(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    user = telegram.user(language_code="uz")
    await start_in(user, LANGUAGE_LABELS["uz"])
    await user.press(await open_reminders(user), say(text.USE_PLAIN, "uz"))
    await user.reply()
    await arrive_in_moscow(user, "uz", reminding_bot)
    clock.set(moscow_ten(date(2027, 3, 2)))
    assert "«Amina» orqali roʻyxat" in (await user.reply(within=5)).text
    clock.set(moscow_ten(date(2027, 3, 4)))
    amina = (await user.reply(within=5)).text
    assert amina.startswith("<b>«Amina»: joylashuvni tekshiring</b>\n«Amina» ilovasini oching")


async def test_the_amina_check_can_be_switched_off_after_it_came(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await arrive_in_moscow(user, "ru", reminding_bot)
    clock.set(moscow_ten(date(2027, 3, 2)))
    await user.reply(within=5)
    clock.set(moscow_ten(date(2027, 3, 4)))
    assert (await user.reply(within=5)).text == discreet(date(2027, 3, 4), "ru")
    came = int(moscow_ten(date(2027, 3, 4)).timestamp())
    query = f"SELECT COUNT(*) FROM reminders WHERE kind = 'regular' AND state = 'pending' AND due_at > {came}"

    async def next_one_planned() -> bool:  # written just after the message went: on PostgreSQL a moment later
        return await rows(settings, query) == [(1,)]

    await eventually(next_one_planned, what="the next Amina check planned")
    menu = await open_reminders(user)
    assert "1. 07.03.2027 10:00 — «Амина»: проверьте геолокацию" in menu.text
    assert (await user.press(menu, say(text.CANCEL, "ru").format(number=1)))["text"] == say(text.CANCELLED, "ru")
    assert "Амина" not in (await user.reply()).text
    assert await rows(settings, "SELECT COUNT(*) FROM reminders WHERE kind = 'regular'") == [(0,)]

    clock.set(moscow_ten(date(2027, 3, 24)))  # past 07.03, 10.03, ...: the next message is the patent step's
    assert (await user.reply(within=5)).text == discreet(date(2027, 3, 24), "ru")


async def test_arriving_in_moscow_again_plans_one_amina_check_and_leaving_for_elsewhere_ends_it(
    telegram: FakeTelegram, reminding_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await arrive_in_moscow(user, "en", reminding_bot)
    await arrive_in_moscow(user, "en", reminding_bot)
    assert await rows(settings, "SELECT kind, COUNT(*) FROM reminders GROUP BY kind ORDER BY kind") == [
        ("arrival", 4),
        ("regular", 1),
    ]
    await user.press(await open_reminders(user), "I have arrived")
    await user.press(await user.reply(), "Kazakhstan")
    await arrived_today(user)
    await user.reply()
    assert await rows(settings, "SELECT kind, COUNT(*) FROM reminders GROUP BY kind ORDER BY kind") == [
        ("arrival", 1),
    ]


async def someone_with_reminders(user: FakeUser, settings: Settings, bot: RunningBot, waiting: int) -> None:
    """`user` has `waiting` document reminders, due long after the Moscow plan's."""
    await start_in(user, "English")
    await user.press(await open_reminders(user), "A document expires")
    await user.reply()
    await user.send("01.01.2028")
    await user.press(await user.reply(), "8 week(s) before")
    await user.reply()
    [(user_key,)] = await rows(settings, "SELECT user_key FROM reminders")
    store = ReminderStore(bot.app.database, bot.app.cipher)
    for number in range(waiting - 1):
        expiry = date(2028, 2, 1) + timedelta(days=number)
        due = datetime(2027, 11, 1, 5, tzinfo=UTC) + timedelta(days=number)
        assert await store.add(str(user_key), "expiry", expiry.isoformat(), due, {"date": expiry.strftime("%d.%m.%Y")})


async def test_the_amina_check_counts_towards_the_twenty_and_keeps_its_place_at_the_limit(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    user = telegram.user(language_code="en")
    await someone_with_reminders(user, settings, reminding_bot, waiting=16)
    refused = await arrive_in_moscow(user, "en", reminding_bot)  # 4 deadlines + the Amina check: 21
    assert refused.text == say(text.PLAN_TOO_MANY, "en").format(limit=20)
    assert await rows(settings, "SELECT kind, COUNT(*) FROM reminders GROUP BY kind") == [("expiry", 16)]

    menu = await open_reminders(user)
    [cancel_first] = [b for row in menu.buttons for b in row if b["text"] == "✖ Cancel 1"]
    await user.press_data(menu, str(cancel_first["callback_data"]))
    await user.reply()
    assert (await arrive_in_moscow(user, "en", reminding_bot)).text.startswith("Done. I will remind you:")
    assert await rows(settings, "SELECT COUNT(*) FROM reminders") == [(20,)]

    clock.set(moscow_ten(date(2027, 3, 2)))
    await user.reply(within=5)  # registration through Amina, delivered: 19 waiting
    await until_nothing_is_claimed(settings)
    [(user_key,)] = await rows(settings, "SELECT DISTINCT user_key FROM reminders")
    store = ReminderStore(reminding_bot.app.database, reminding_bot.app.cipher)
    assert await store.add(str(user_key), "expiry", "2029-01-01", datetime(2028, 11, 1, 5, tzinfo=UTC))
    for day in (date(2027, 3, 4), date(2027, 3, 7)):
        clock.set(moscow_ten(day))
        assert (await user.reply(within=5)).text == discreet(day, "en"), "at the limit, it still comes"
        await until_nothing_is_claimed(settings)
        assert await rows(settings, "SELECT COUNT(*) FROM reminders") == [(20,)]


async def until_nothing_is_claimed(settings: Settings) -> None:
    """The dispatcher has recorded every delivery it made (the person does not wait for that)."""

    async def none_claimed() -> bool:
        return await rows(settings, "SELECT COUNT(*) FROM reminders WHERE state = 'claimed'") == [(0,)]

    await eventually(none_claimed, 10, what="a delivered reminder recorded")
