"""Reminders a migrant sets up, delivered on time, once, by the real scheduler on a hand-set clock."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.handlers.callback_data import MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR, PickDate
from bot.handlers.date_picker import calendar_markup
from bot.i18n import load_i18n
from bot.privacy.secret_keys import ChatCipher
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.reminders import ReminderStore
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram, FakeUser
from tests.support.journeys import expected_text, start_in
from tests.support.reminding import arrived_today, open_reminders
from tests.support.running import RunningBot
from tests.support.stored import stored
from tests.support.waiting import eventually

pytestmark = pytest.mark.both_backends

START = datetime(2027, 2, 22, 18, 30, tzinfo=UTC)  # 23:30 in Dushanbe


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def nothing_arrives(user: FakeUser, bot: RunningBot) -> bool:
    """Whether nothing came to `user` from a whole check for due reminders at the clock's time: the
    test runs one itself (after any the scheduler has under way) instead of sleeping through a few."""
    await bot.app.reminders.run_once()
    return user.nothing_sent()


async def rows(settings: Settings, query: str) -> list[tuple[object, ...]]:
    return await stored(settings, query)


async def test_a_departure_plan_made_before_midnight_arrives_at_ten_in_dushanbe(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    menu = await open_reminders(user)
    assert "Пока ничего не запланировано." in menu.text
    await user.press(menu, "Дата моего отъезда")
    calendar = await user.reply()
    assert calendar.text.startswith("✈️ Когда вы уезжаете?") and "25" in calendar.labels()
    await user.send("25 марта")
    where = await user.reply()
    assert where.text == "Куда вы едете?"
    await user.press(where, "Россия")
    planned = await user.reply()
    assert planned.text.splitlines() == [
        "Готово. Я напомню вам:",
        "• 23.02.2027 10:00 — До отъезда месяц",
        "• 18.03.2027 10:00 — До отъезда неделя",
        "• 24.03.2027 10:00 — Завтра в путь",
    ]
    clock.set(datetime(2027, 2, 23, 4, 59, tzinfo=UTC))
    assert await nothing_arrives(user, reminding_bot), "not before 10:00 in Dushanbe"
    clock.set(datetime(2027, 2, 23, 5, 0, tzinfo=UTC))
    reminder = await user.reply(within=5)
    assert reminder.text == "⏰ <b>Напоминание на 23.02.2027</b>\nНажмите «Показать», чтобы прочитать."
    await user.press(reminder, "Показать")
    reminder = await user.reply()
    assert reminder.text.startswith("<b>До отъезда месяц</b>\nПроверьте срок действия паспорта.")
    assert reminder.labels() == ["📖 Открыть урок"], "the detail replaces the discreet lines; the lesson stays"
    await user.press(reminder, "Открыть урок")
    lesson = await user.reply()
    assert lesson.text == expected_text("recruitment", "offer", "ru")
    # The delivery is counted once the dispatcher has marked it sent, which the user does not wait for.
    assert await nothing_arrives(user, reminding_bot), "delivered once"
    await reminding_bot.app.recorder.flush()
    opened = await rows(settings, "SELECT name, detail FROM events WHERE name LIKE 'reminder_%' ORDER BY name")
    assert (
        opened
        == [("reminder_delivered", "departure"), ("reminder_opened", "recruitment")]
        + [("reminder_scheduled", "departure")] * 3
    )


async def test_a_monthly_payment_ending_on_the_31st_is_reminded_4_days_before_the_28th_of_february(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 1, 30, 12, 0, tzinfo=UTC))
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    menu = await open_reminders(user)
    await user.press(menu, "I have arrived")
    await user.press(await user.reply(), "Russia")
    await arrived_today(user)
    planned = await user.reply()
    assert "• 11.02.2027 10:00 — Migration registration" in planned.text.splitlines()
    await user.press(planned, "All reminders")
    menu = await user.reply()
    assert "Times are in Europe/Moscow" in menu.text
    await user.press(menu, "Monthly patent payment")
    await user.press(await user.reply(), "31")
    done = (await user.reply()).text
    assert done.startswith("Done. Every month, 4 days before day 31, at 10:00, I will remind you to pay")
    assert "the Tula regional Interior Ministry office advises paying a few days early" in done

    clock.set(datetime(2027, 1, 31, 7, 0, tzinfo=UTC))  # 10:00 in Moscow: the 27th has passed, so at once
    payment = await user.reply(within=5)
    assert payment.text == "⏰ <b>Your reminder for 31.01.2027</b>\nTap “Show” to read it."
    assert payment.labels() == ["👁 Show", "✅ Paid", "⏰ Remind me tomorrow", "📖 Open the lesson"]
    answer = await user.press(payment, "Remind me tomorrow")
    assert answer["text"] == "I will remind you tomorrow at 10:00."
    assert (await user.reply()).labels() == ["👁 Show"], "the buttons are taken away once used, but not the detail"
    await user.press(payment, "Show")
    payment = await user.reply()
    assert payment.text.startswith("<b>Patent payment</b>")
    assert "3–4 days before" in payment.text and "Tula" in payment.text, "the advice is one regional office's"
    assert "copy of your employment contract must reach the Interior Ministry within 2 months" in payment.text
    assert payment.buttons == []
    menu = await open_reminders(user)
    assert "01.02.2027 10:00 — monthly payment (day 31)" in menu.text
    assert "24.02.2027 10:00 — monthly payment (day 31)" in menu.text, "next month's, 4 days before its last day"


async def test_nothing_arrives_at_night_it_waits_for_the_morning(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    user = telegram.user(language_code="tg")
    await start_in(user, "Тоҷикӣ")
    menu = await open_reminders(user)
    await user.press(menu, "Ман расидам")
    await user.press(await user.reply(), "Русия")
    await arrived_today(user)
    await user.reply()
    clock.set(datetime(2027, 4, 13, 19, 30, tzinfo=UTC))  # the bot was down at 10:00; now 22:30 in Moscow
    assert await nothing_arrives(user, reminding_bot)
    clock.set(datetime(2027, 4, 14, 5, 0, tzinfo=UTC))  # 08:00 in Moscow
    reminder = await user.reply(within=5)
    assert reminder.text.startswith("⏰ <b>Ёдрасонӣ барои 14.04.2027</b>")
    await user.press(reminder, "Нишон додан")
    assert (await user.reply()).text.startswith("<b>Бақайдгирии муҳоҷиратӣ</b>")


async def test_a_restart_in_the_middle_of_a_batch_loses_and_repeats_nothing(
    telegram: FakeTelegram, settings: Settings, clock: ManualClock
) -> None:
    settings.reminder_check_seconds = 0.1
    settings.bulk_messages_per_second = 8
    bot = RunningBot(settings, clock)
    await bot.start()
    store = ReminderStore(bot.app.database, bot.app.cipher)
    chats = list(range(3001, 3041))
    for chat in chats:
        await store.opt_in(f"user{chat}", chat, "Europe/Moscow", "en")
        await store.add(f"user{chat}", "expiry", "2027-06-01", START + timedelta(hours=1), {"date": "01.06.2027"})
    clock.set(datetime(2027, 2, 23, 9, 0, tzinfo=UTC))  # 12:00 in Moscow
    await telegram.delivered_at_least(10)
    await bot.stop()
    sent_before_restart = len(telegram.delivered)
    assert sent_before_restart < len(chats), "stopped in the middle of the batch"
    await bot.start()
    await telegram.delivered_at_least(len(chats))
    await eventually(all_reminders_done(settings), what="every reminder done")  # none left to send twice
    await bot.stop()
    per_chat = [to for _, to, _ in telegram.delivered]
    assert sorted(per_chat) == chats, "every reminder exactly once"


async def test_a_user_who_blocked_the_bot_is_not_written_to_again(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    store = ReminderStore(reminding_bot.app.database, reminding_bot.app.cipher)
    for chat in (4001, 4002):
        await store.opt_in(f"user{chat}", chat, "Europe/Moscow", "ru")
        for day in (1, 2):
            await store.add(f"user{chat}", "expiry", "x", datetime(2027, 3, day, 7, tzinfo=UTC), {"date": "01.06.2027"})
    telegram.blocked_chats.add(4001)
    clock.set(datetime(2027, 3, 3, 7, 0, tzinfo=UTC))
    await telegram.delivered_at_least(2)
    await eventually(all_reminders_done(settings), what="every reminder done or dropped")
    assert [to for _, to, _ in telegram.delivered] == [4002, 4002]
    tried = [params["chat_id"] for method, params in telegram.calls if method == "sendMessage"]
    assert tried.count(4001) == 1, "refused once with 403: its second reminder is never tried"
    assert await rows(settings, "SELECT user_key FROM reminder_chats") == [], (
        "the blocked chat is deleted, the other done"
    )
    assert await rows(settings, "SELECT * FROM reminders") == [], "delivered and undeliverable reminders are deleted"


async def test_stop_cancels_everything_and_forgets_the_chat(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    user = telegram.user(language_code="uz")
    await start_in(user, "Oʻzbekcha")
    menu = await open_reminders(user)
    await user.press(menu, "Hujjat muddati tugaydi")
    await user.reply()
    await user.send("01.06.2027")
    await user.press(await user.reply(), "4 hafta oldin")
    assert "04.05.2027 10:00" in (await user.reply()).text
    assert len(await rows(settings, "SELECT * FROM reminder_chats")) == 1
    await user.send("/stop")
    assert (await user.reply()).text.startswith("Barcha eslatmalar bekor qilindi")
    assert (
        await rows(settings, "SELECT * FROM reminder_chats") == []
        and await rows(settings, "SELECT * FROM reminders") == []
    )
    clock.set(datetime(2027, 5, 4, 5, 0, tzinfo=UTC))
    assert await nothing_arrives(user, reminding_bot)
    await user.send("/stop")
    assert (await user.reply()).text.startswith("Toʻxtatadigan narsa yoʻq")


async def test_cancelling_one_reminder_from_the_list(telegram: FakeTelegram, reminding_bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.press(await open_reminders(user), "I have arrived")
    await user.press(await user.reply(), "Russia")
    await arrived_today(user)
    await user.reply()
    menu = await open_reminders(user)
    assert "Cancel 4" in " ".join(menu.labels())
    answer = await user.press(menu, "Cancel 1")
    assert answer["text"] == "Cancelled."
    after = await user.reply()
    assert "Migration registration" not in after.text and "Cancel 4" not in " ".join(after.labels())


async def test_dates_that_cannot_be_used_get_a_clear_answer(telegram: FakeTelegram, reminding_bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.press(await open_reminders(user), "My departure date")
    await user.reply()
    await user.send("next spring")
    assert (await user.reply()).text == "I could not read that date. Type it like 25.03.2027, or choose a day below."
    await user.send("01.01.2027")
    assert (await user.reply()).text == "That date has already passed. Choose a date in the future."
    await user.send("23.02.2027")
    await user.press(await user.reply(), "Russia")
    assert (await user.reply()).text == "That date is too close: no step of the checklist is still ahead."


async def test_in_moscow_the_morning_after_arrival_brings_registration_through_amina(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))  # 15:00 in Moscow
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await user.press(await open_reminders(user), "Я приехал(а)")
    await user.press(await user.reply(), "Москва или Московская область")
    await arrived_today(user)
    planned = (await user.reply()).text.splitlines()
    assert planned == [
        "Готово. Я напомню вам:",
        "• 02.03.2027 10:00 — Учёт через «Амину»",
        "• 04.03.2027 10:00 — «Амина»: проверьте геолокацию",
        "• 24.03.2027 10:00 — Документы на патент",
        "• 24.03.2027 10:00 — Дактилоскопия и фотографирование",
        "• 24.03.2027 10:00 — Медицинское освидетельствование",
    ]
    clock.set(datetime(2027, 3, 2, 7, 0, tzinfo=UTC))  # 10:00 in Moscow
    reminder = await user.reply(within=5)
    await user.press(reminder, "Показать")
    amina = (await user.reply()).text
    assert amina.startswith("<b>Учёт через «Амину»</b>\nВ Москве и Московской области")
    assert "15 дней" in amina and "каждый день" in amina and "3 рабочих дней" in amina


async def test_kazakhstan_gets_only_its_sourced_registration_deadline(
    telegram: FakeTelegram, reminding_bot: RunningBot
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await user.press(await open_reminders(user), "Я приехал(а)")
    await user.press(await user.reply(), "Казахстан")
    await arrived_today(user)
    planned = (await user.reply()).text
    assert planned.startswith("Готово. Я напомню вам:")
    assert "Регистрация в Казахстане" in planned
    assert "Дактилоскопия" not in planned and "Медосмотр" not in planned


async def test_forget_erases_reminders_and_the_chat(
    telegram: FakeTelegram, reminding_bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.press(await open_reminders(user), "I have arrived")
    await user.press(await user.reply(), "Russia")
    await arrived_today(user)
    await user.reply()
    await user.send("/forget")
    await user.press(await user.reply(), "Yes, erase")
    await user.reply()
    assert (
        await rows(settings, "SELECT * FROM reminders") == []
        and await rows(settings, "SELECT * FROM reminder_chats") == []
    )


async def test_reminders_follow_a_change_of_language(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock
) -> None:
    clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.press(await open_reminders(user), "A document expires")
    await user.reply()
    await user.send("2027-06-01")
    await user.press(await user.reply(), "8 week(s) before")
    await user.reply()
    await user.send("/language")
    await user.press(await user.reply(), "Русский")
    await user.reply()
    clock.set(datetime(2027, 4, 6, 5, 0, tzinfo=UTC))  # 10:00 in Dushanbe, 8 weeks before 1 June
    reminder = await user.reply(within=5)
    assert reminder.text.startswith("⏰ <b>Напоминание на 06.04.2027</b>")
    assert reminder.labels() == ["👁 Показать", "📖 Открыть урок"]
    await user.press(reminder, "Показать")
    assert (
        (await user.reply()).text
        == "<b>Срок документа</b>\nСрок действия вашего документа заканчивается 01.06.2027. Начните его продление уже сейчас."
    )


async def test_pressing_remind_me_tomorrow_again_and_again_stops_at_twenty_waiting(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    clock.set(datetime(2027, 1, 10, 12, 0, tzinfo=UTC))
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    menu = await open_reminders(user)
    await user.press(menu, "Ежемесячный платёж за патент")
    await user.press(await user.reply(), "11")
    await user.reply()
    clock.set(datetime(2027, 1, 11, 7, 0, tzinfo=UTC))  # 10:00 in Dushanbe
    payment = await user.reply(within=5)
    later = str(payment.button("Напомнить завтра")["callback_data"])
    answers = [await user.press_data(payment, later) for _ in range(25)]
    assert [a["text"] for a in answers[:19]] == ["Напомню завтра в 10:00."] * 19, "next month's payment + 19"
    refused = answers[19]
    assert refused["text"] == (
        "У вас уже 20 напоминаний в ожидании — больше Сафар для одного человека не хранит. "
        "Отмените одно в /reminders, чтобы добавить новое."
    )
    assert refused.get("show_alert") is True and answers[24]["text"] == refused["text"]
    assert await rows(settings, "SELECT COUNT(*) FROM reminders WHERE state = 'pending'") == [(20,)]


def all_reminders_done(settings: Settings) -> Callable[[], Awaitable[bool]]:
    """No reminder is left to send (a delivered or undeliverable one is deleted)."""

    async def done() -> bool:
        return await rows(settings, "SELECT COUNT(*) FROM reminders") == [(0,)]

    return done


async def until_nothing_is_claimed(settings: Settings) -> None:
    """The dispatcher has recorded every delivery it made (the person does not wait for that)."""

    async def none_claimed() -> bool:
        return await rows(settings, "SELECT COUNT(*) FROM reminders WHERE state = 'claimed'") == [(0,)]

    await eventually(none_claimed, what="the record of every delivered reminder")


async def someone_with_reminders(user: FakeUser, settings: Settings, bot: RunningBot, others: int) -> ReminderStore:
    """`user` has set a monthly payment in the menu, and `others` document reminders wait besides."""
    await start_in(user, "English")
    await user.press(await open_reminders(user), "Monthly patent payment")
    await user.press(await user.reply(), "11")
    await user.reply()
    [(user_key,)] = await rows(settings, "SELECT user_key FROM reminders")
    store = ReminderStore(bot.app.database, bot.app.cipher)
    for number in range(others):
        expiry = date(2028, 1, 1) + timedelta(days=number)
        due = datetime(2027, 11, 1, 5, tzinfo=UTC) + timedelta(days=number)
        assert await store.add(str(user_key), "expiry", expiry.isoformat(), due, {"date": expiry.strftime("%d.%m.%Y")})
    return store


async def test_a_monthly_payment_at_the_limit_of_twenty_still_comes_next_month(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    """The next month's reminder was added before the delivered one was deleted: with twenty
    waiting, that add was refused, nobody looked, and the payment reminder was gone for good."""
    clock.set(datetime(2027, 1, 10, 12, 0, tzinfo=UTC))
    user = telegram.user(language_code="en")
    await someone_with_reminders(user, settings, reminding_bot, others=19)
    clock.set(datetime(2027, 1, 11, 5, 0, tzinfo=UTC))  # 10:00 in Dushanbe on the 11th
    assert (await user.reply(within=5)).text == "⏰ <b>Your reminder for 11.01.2027</b>\nTap “Show” to read it."
    await until_nothing_is_claimed(settings)
    menu = await open_reminders(user)
    assert "07.02.2027 10:00 — monthly payment (day 11)" in menu.text, "next month's, 4 days before the 11th"
    assert await rows(settings, "SELECT COUNT(*) FROM reminders") == [(20,)]
    clock.set(datetime(2027, 2, 7, 5, 0, tzinfo=UTC))
    assert (await user.reply(within=5)).text == "⏰ <b>Your reminder for 07.02.2027</b>\nTap “Show” to read it."


async def test_a_plan_that_would_pass_the_limit_is_refused_whole_and_the_person_told(
    telegram: FakeTelegram, reminding_bot: RunningBot, clock: ManualClock, settings: Settings
) -> None:
    """Arrival in Russia is four reminders. With eighteen waiting, the first two were added one by
    one, the third refused, and the person was left with half a plan and the time zone moved."""
    user = telegram.user(language_code="en")
    await someone_with_reminders(user, settings, reminding_bot, others=17)
    await user.press(await open_reminders(user), "I have arrived")
    await user.press(await user.reply(), "Russia")
    await arrived_today(user)
    refused = await user.reply()
    assert refused.text == (
        "Nothing was changed: with this plan you would have more than 20 reminders waiting, more than "
        "Safar keeps for one person. Cancel some in /reminders, then try again."
    )
    assert await rows(settings, "SELECT kind, COUNT(*) FROM reminders GROUP BY kind ORDER BY kind") == [
        ("expiry", 17),
        ("monthly", 1),
    ]
    menu = await open_reminders(user)
    assert "Times are in Asia/Dushanbe" in menu.text, "the arrival did not happen, nor its time zone"

    await user.press(menu, "Cancel 2")  # two document reminders go: now the four fit
    await user.reply()
    await user.press(await open_reminders(user), "Cancel 2")
    await user.reply()
    await user.press(await open_reminders(user), "I have arrived")
    await user.press(await user.reply(), "Russia")
    await arrived_today(user)
    assert (await user.reply()).text.startswith("Done. I will remind you:")
    assert await rows(settings, "SELECT COUNT(*) FROM reminders WHERE kind = 'arrival'") == [(4,)]
    assert await rows(settings, "SELECT COUNT(*) FROM reminders") == [(20,)]


async def test_one_account_with_a_pile_of_reminders_does_not_delay_everyone_else(
    telegram: FakeTelegram, settings: Settings, clock: ManualClock
) -> None:
    """A batch lasted as long as its busiest chat (a second between two messages to one chat):
    one account's twenty reminders due at once held up everyone due after them."""
    settings.reminder_check_seconds = 0.1
    settings.bulk_messages_per_second = 30
    bot = RunningBot(settings, clock)
    await bot.start()
    store = ReminderStore(bot.app.database, bot.app.cipher)
    due = datetime(2027, 2, 23, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    await store.opt_in("abuser", 4000, "Europe/Moscow", "en")
    for _ in range(25):
        await store.add("abuser", "expiry", "2027-06-01", due, {"date": "01.06.2027"})
    everyone = list(range(4001, 4041))
    for chat in everyone:
        await store.opt_in(f"user{chat}", chat, "Europe/Moscow", "en")
        await store.add(f"user{chat}", "expiry", "2027-06-01", due + timedelta(minutes=1), {"date": "01.06.2027"})
    clock.set(due)
    await telegram.delivered_at_least(1)
    clock.set(due + timedelta(minutes=1))
    async with asyncio.timeout(8):  # 40 messages at 30/s; the abuser's pile alone takes 20 s
        while not set(everyone) <= {to for _, to, _ in telegram.delivered}:
            telegram.delivery.clear()
            await telegram.delivery.wait()
    await bot.stop()
    kept = (await rows(settings, "SELECT COUNT(*) FROM reminders WHERE user_key = 'abuser' AND state != 'sent'"))[0][0]
    sent = sum(1 for _, to, _ in telegram.delivered if to == 4000)
    assert kept + sent == 20, "capped at 20 (delivered ones are deleted)"


async def test_a_batch_takes_one_reminder_per_person_so_a_thousand_others_go_first(
    telegram: FakeTelegram, settings: Settings
) -> None:
    """The claim itself, at the issue's scale: one account's twenty reminders due earliest, and
    a thousand people's due a minute later; two batches of 500 reach all thousand."""
    connection = await open_database(settings.database_target)
    store = ReminderStore(connection, ChatCipher(bytes(32)))
    due = datetime(2027, 2, 23, 9, 0, tzinfo=UTC)
    await store.opt_in("abuser", 4000, "Europe/Moscow", "en")
    for _ in range(20):
        await store.add("abuser", "expiry", "2027-06-01", due, {"date": "01.06.2027"})
    for n in range(1000):
        await store.opt_in(f"user{n}", 10_000 + n, "Europe/Moscow", "en")
        await store.add(f"user{n}", "expiry", "2027-06-01", due + timedelta(minutes=1), {"date": "01.06.2027"})
    later = due + timedelta(minutes=2)
    first, second = await store.claim_due(later, 500, 600), await store.claim_due(later, 500, 600)
    await connection.close()
    owners = [entry.reminder.user_key for entry in first + second]
    assert owners.count("abuser") == 2, "one per batch"
    assert len({key for key in owners if key != "abuser"}) == 998, "everyone else in the first two batches"


def test_the_calendar_arrows_stop_at_the_months_that_have_a_day_to_choose() -> None:
    """From this month (no day before today can be a departure or an expiry) to the month 20 years on;
    a month asked for beyond either end, even one a button could carry, is shown as the nearest end."""
    today = date(2027, 1, 10)
    i18n = load_i18n()
    with i18n.context(), i18n.use_locale("en"):
        last = calendar_markup("dep", MAX_CALENDAR_YEAR, 12, today, "en")
        first = calendar_markup("exp", MIN_CALENDAR_YEAR, 1, today, "en")
    forward, back = last.inline_keyboard[0][2], first.inline_keyboard[0][0]
    assert last.inline_keyboard[0][1].text == "January 2047"
    assert PickDate.unpack(str(forward.callback_data)) == PickDate(purpose="dep", year=2047, month=1)
    assert PickDate.unpack(str(back.callback_data)) == PickDate(purpose="exp", year=2027, month=1)
