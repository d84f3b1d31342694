"""SIGTERM under load (systemd stopping the service, `docker stop`): the updates under way are
answered, reminders under way are recorded and the rest of the batch released, and the process
exits within seconds, so nothing is lost or sent twice by the next start."""

import asyncio
import secrets
import signal
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.privacy.secret_keys import ChatCipher
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.reminders import ReminderStore
from tests.support.fake_telegram import TOKEN, FakeTelegram, FakeUser
from tests.support.processes import running
from tests.support.waiting import eventually

ZONES = ("Asia/Dushanbe", "Europe/Moscow", "Europe/London", "America/New_York", "America/Los_Angeles",
         "Asia/Tokyo", "Pacific/Auckland")  # fmt: skip
DELIVERY_KEY = "d" * 64
"""The bot is given the key the reminders' chat ids were sealed with (and a pseudonym key: the
database already holds user keys, so the bot would not make up a new one)."""
PSEUDONYM_KEY = secrets.token_hex(32)
REMINDER_CHATS = range(8001, 8041)


def daytime_zone() -> str:
    """A time zone where it is day now: reminders wait out the night."""
    now = datetime.now(UTC)
    return next(zone for zone in ZONES if 10 <= now.astimezone(ZoneInfo(zone)).hour < 19)


async def due_reminders(db_path: Path) -> None:
    connection = await open_database(db_path)
    store, zone = ReminderStore(connection, ChatCipher(bytes.fromhex(DELIVERY_KEY))), daytime_zone()
    for chat in REMINDER_CHATS:
        await store.opt_in(f"user{chat}", chat, zone, "en")
        await store.add(f"user{chat}", "expiry", "2027-06-01", datetime.now(UTC) - timedelta(minutes=1),
                        {"date": "01.06.2027"})  # fmt: skip
    await connection.close()


async def keep_asking(user: FakeUser) -> None:
    while True:
        await user.send("/sos")
        await user.reply(within=60)


async def test_sigterm_under_load_finishes_the_updates_under_way_and_releases_reminders(tmp_path: Path) -> None:
    telegram = FakeTelegram(cancel_on_disconnect=True)  # a reply abandoned half-way would not arrive
    await telegram.start()
    try:
        await due_reminders(tmp_path / "data" / "safar.sqlite3")
        telegram.latency["sendMessage"] = 0.3  # every reminder is under way for a while
        settings = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "REMINDER_CHECK_SECONDS": "0.2",
                    "BULK_MESSAGES_PER_SECOND": "5", "FLOOD_UPDATES_PER_SECOND": "100", "FLOOD_BURST": "100",
                    "DELIVERY_KEY": DELIVERY_KEY, "PSEUDONYM_KEY": PSEUDONYM_KEY}  # fmt: skip
        async with running(tmp_path, **settings) as process:
            users = [telegram.user(9001 + n, "en") for n in range(8)]
            telegram.chat_latency = {user.id: 1.5 for user in users}  # replies take longer than reminders
            load = [asyncio.create_task(keep_asking(user)) for user in users]
            await telegram.delivered_at_least(3, within=60)

            def replies_and_reminders_under_way() -> bool:  # their calls reached Telegram, not answered yet
                return any(telegram.under_way[user.id] for user in users) and any(
                    telegram.under_way[chat] for chat in REMINDER_CHATS
                )

            await eventually(replies_and_reminders_under_way, 60, every=0.01, what="replies and reminders under way")
            stopped_at = time.monotonic()
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
            took = time.monotonic() - stopped_at
            for task in load:
                task.cancel()
            assert process.returncode == 0
    finally:
        await telegram.stop()

    assert took < 5, f"exited {took:.1f} s after SIGTERM"
    confirmed_below = max(telegram.offsets)  # the bot told Telegram it had these: they never come again
    replies_after_stop = 0
    for user in users:
        taken = [u for u, sender in telegram.handed.items() if sender == user.id and u < confirmed_below]
        replies = [at for at, chat, _ in telegram.delivered if chat == user.id]
        assert len(replies) >= len(taken), "an update the bot took was left unanswered"
        replies_after_stop += sum(at > stopped_at for at in replies)
    assert replies_after_stop > 0, "updates under way at SIGTERM were answered"
    reminders = [chat for _, chat, _ in telegram.delivered if chat in REMINDER_CHATS]
    assert len(reminders) == len(set(reminders)) < len(REMINDER_CHATS), "stopped in the middle of the batch"
    with sqlite3.connect(tmp_path / "data" / "safar.sqlite3") as connection:
        states = dict(connection.execute("SELECT state, COUNT(*) FROM reminders GROUP BY state").fetchall())
    # A delivered reminder is deleted; the ones under way were recorded as delivered, the rest released.
    assert states == {"pending": len(REMINDER_CHATS) - len(reminders)}, states
