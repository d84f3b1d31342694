"""News is a choice of its own: a reminder subscriber is not enrolled, a first start says what is
kept, and saying no to news deletes the chat id unless a reminder still needs it."""

from datetime import UTC, datetime

import pytest

from bot.config import Settings
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import start_in
from tests.support.reminding import arrived_today
from tests.support.running import RunningBot
from tests.support.stored import stored

pytestmark = pytest.mark.both_backends

ADMIN = 900
SECOND_ADMIN = 901


async def test_the_first_start_says_what_is_kept(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="tg")
    await user.send("/start")
    picker = await user.reply()
    assert "/privacy" in picker.text and "/forget" in picker.text
    assert "Сафар танҳо забон ва ҷои шуморо дар дарсҳо нигоҳ медорад" in picker.text, "in the likely language"
    await user.press(picker, "Тоҷикӣ")
    await user.reply()
    await user.send("/start")
    assert "/forget" not in (await user.reply()).text, "said once, not at every start"


async def test_only_people_who_asked_for_news_get_a_broadcast(telegram: FakeTelegram, settings: Settings) -> None:
    settings.admin_ids = frozenset({ADMIN, SECOND_ADMIN})
    settings.reminder_check_seconds = 0.1
    bot = RunningBot(settings)
    await bot.start()
    reader = telegram.user(user_id=6101, language_code="en")
    await start_in(reader, "English")
    await reader.send("/news")
    offer = await reader.reply()
    assert offer.text.endswith("You do not get the news now.")
    await reader.press(offer, "Yes, send me news")
    assert (await reader.reply()).text.startswith("You will get Safar's news.")

    subscriber = telegram.user(user_id=6102, language_code="en")
    await start_in(subscriber, "English")
    await subscriber.send("/reminders")
    await subscriber.press(await subscriber.reply(), "I have arrived")
    await subscriber.press(await subscriber.reply(), "Russia")
    await arrived_today(subscriber)
    await subscriber.reply()

    staff, second = telegram.user(ADMIN, "en"), telegram.user(SECOND_ADMIN, "en")
    await start_in(staff, "English")
    await start_in(second, "English")
    await staff.send("/broadcast")
    await staff.reply()
    await staff.send("New hotline hours")
    preview = await staff.reply()
    assert preview.text.endswith("Recipients: 1 (every opted-in user)."), "reminders do not enrol anyone in news"
    await staff.press(preview, "Propose, to 1")
    await staff.reply()
    await second.press(await second.reply(), "Approve and send")  # a broadcast needs a second staff member
    await telegram.delivered_to({6101}, containing="New hotline hours")
    assert [
        chat
        for _, chat, text in telegram.delivered
        if "New hotline hours" in text and chat not in (ADMIN, SECOND_ADMIN)
    ] == [6101]
    assert (await reader.reply()).text == "New hotline hours"

    await reader.send("/news")
    await reader.press(await reader.reply(), "No news")
    assert (await reader.reply()).text == "No news will be sent to you."
    await bot.stop()
    chats = await stored(settings, "SELECT news FROM reminder_chats")
    recipients = await stored(settings, "SELECT COUNT(*) FROM broadcast_recipients")
    assert chats == [(0,)], "the reader's chat id is gone; the subscriber's stays for the reminders"
    assert recipients == [(0,)], "delivered broadcast rows are deleted"


CLEAR_CHAT = {"ru": ("Русский", "🧹 Очистить этот чат"), "tg": ("Тоҷикӣ", "🧹 Тоза кардани ин чат")}


@pytest.mark.parametrize("language", CLEAR_CHAT)
async def test_clear_this_chat_deletes_the_bots_recent_messages_and_says_how_to_delete_the_rest(
    language: str, telegram: FakeTelegram, bot: RunningBot
) -> None:
    """Telegram has no Tajik interface: a Tajik reader is told the menu items as a Russian Telegram names them."""
    picker, button = CLEAR_CHAT[language]
    user = telegram.user(user_id=6201, language_code=language)
    menu = await start_in(user, picker)
    await user.send("/sos")
    hotlines = await user.reply()
    await user.send("/privacy")
    privacy = await user.reply()
    await user.press(privacy, button)
    told = await user.reply()
    assert "«Очистить историю»" in told.text and "«Удалить чат»" in told.text and "48" in told.text
    deleted = [params for method, params in telegram.calls if method == "deleteMessages"]
    assert len(deleted) == 1 and str(deleted[0]["chat_id"]) == "6201"
    ids = {int(message_id) for message_id in deleted[0]["message_ids"]}
    assert {menu.message_id, hotlines.message_id, privacy.message_id} <= ids
    assert told.message_id not in ids, "the explanation stays"


async def test_saying_yes_to_news_first_leaves_reminders_on_dushanbe_time(
    telegram: FakeTelegram, settings: Settings
) -> None:
    """News first stored the time zone "UTC": a departure step then came at 15:00 in Dushanbe
    instead of 10:00, and the night's quiet hours were counted in UTC."""
    clock = ManualClock(datetime(2027, 2, 22, 18, 30, tzinfo=UTC))  # 23:30 in Dushanbe
    settings.reminder_check_seconds = 0.1
    bot = RunningBot(settings, clock)
    await bot.start()
    user = telegram.user(user_id=6301, language_code="en")
    await start_in(user, "English")
    await user.send("/news")
    await user.press(await user.reply(), "Yes, send me news")
    assert (await user.reply()).text.startswith("You will get Safar's news.")

    await user.send("/reminders")
    await user.press(await user.reply(), "My departure date")
    await user.reply()
    await user.send("25.03.2027")
    await user.press(await user.reply(), "Russia")
    assert "• 23.02.2027 10:00 — One month before you leave" in (await user.reply()).text.splitlines()
    await user.send("/reminders")
    assert "Times are in Asia/Dushanbe" in (await user.reply()).text
    clock.set(datetime(2027, 2, 23, 5, 0, tzinfo=UTC))  # 10:00 in Dushanbe
    assert (await user.reply(within=5)).text.startswith("⏰ <b>Your reminder for 23.02.2027</b>")
    await bot.stop()
