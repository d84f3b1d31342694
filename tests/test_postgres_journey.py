"""The real bot on PostgreSQL (DATABASE_URL), end to end through the fake Bot API: a migrant reads
a lesson, plans a reminder that arrives on time, files a report that staff read, and erases
everything with /forget; the bot restarts on the same database in between."""

from datetime import UTC, datetime

import pytest

from bot.config import Settings
from bot.privacy.pseudonyms import Pseudonymizer
from bot.storage.erasure import PERSONAL_TABLES
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, open_topic, start_in
from tests.support.reporting import report
from tests.support.running import STAFF_ID, RunningBot
from tests.support.stored import stored

START = datetime(2027, 2, 22, 18, 30, tzinfo=UTC)  # 23:30 in Dushanbe


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_lesson_a_reminder_a_report_and_forget_on_postgresql(
    telegram: FakeTelegram, settings: Settings
) -> None:
    assert settings.database_url is not None
    settings.reminder_check_seconds = 0.1
    settings.admin_ids = frozenset({STAFF_ID})
    clock = ManualClock(START)
    bot = RunningBot(settings, clock)
    await bot.start()
    user = telegram.user(user_id=5151, language_code="ru")

    menu = await start_in(user, "Русский")
    await open_topic(user, menu, "Агентства")
    assert (await user.reply()).text == expected_text("recruitment", "offer", "ru")

    await user.send("/reminders")
    await user.press(await user.reply(), "Дата моего отъезда")
    await user.reply()
    await user.send("25 марта")
    await user.press(await user.reply(), "Россия")
    assert (await user.reply()).text.startswith("Готово. Я напомню вам:")

    await bot.restart()  # the reminder waits in PostgreSQL, not in the process
    clock.set(datetime(2027, 2, 23, 5, 0, tzinfo=UTC))
    reminder = await user.reply(within=5)
    assert reminder.text.startswith("⏰ <b>Напоминание на 23.02.2027</b>"), "discreet by default"
    await user.press(reminder, "Показать")
    assert (await user.reply()).text.startswith("<b>До отъезда месяц</b>")

    thanks = await report(user, "Просят деньги за работу", "Россия", "Barakat", None, skip="Отправить без подробностей")
    assert thanks.startswith("Спасибо. Чтобы никто не мог понять")
    await bot.restart()  # a clean stop writes the waiting report, and its sender is told
    assert (await user.reply()).text.startswith("✅ Спасибо. Ваше сообщение отправлено сотрудникам")
    staff = telegram.user(STAFF_ID, "en")
    await start_in(staff, "English")
    await staff.send("/reports")
    assert "<b>Barakat</b> — 1 report(s):" in (await staff.reply()).text

    await user.send("/forget")
    await user.press(await user.reply(), "Да, удалить")
    assert (await user.reply()).text.startswith("Готово")
    await bot.stop()

    assert settings.key_dir is not None
    user_key = Pseudonymizer((settings.key_dir / "pseudonym.key").read_bytes().strip()).user_key(5151)
    for table in PERSONAL_TABLES:
        left = await stored(settings, f"SELECT * FROM {table} WHERE user_key = :key", {"key": user_key})
        assert left == [], f"{table} still holds the forgotten person's rows"
    assert await stored(settings, "SELECT agency_typed FROM offer_reports") == [("Barakat",)], "the report stays"
