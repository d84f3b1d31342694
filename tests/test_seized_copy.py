"""A seized server: someone copies the data directory, the key files and the log after a person
used Safar at LOG_LEVEL=DEBUG. Nothing in the copy holds their chat id, what they typed into a
report they abandoned, or any value that links the reports to an account."""

import base64
import shutil
import sqlite3
from pathlib import Path

from tests.fake_telegram import TOKEN, FakeTelegram
from tests.journeys import open_topic
from tests.processes import running, stop

CHAT = 987654321
ABANDONED_NAME = "Zarina Recruiting Abroad"
FILED_NAME = "Barakat Travel"
PER_ACCOUNT_TABLES = ("user_settings", "fsm_state", "reminder_chats", "reminders", "events", "broadcast_recipients")
REPORT_TABLES = ("offer_reports", "report_quota")


def encodings_of(chat_id: int) -> dict[str, bytes]:
    text = str(chat_id).encode()
    packed = {f"integer ({size} bytes)": chat_id.to_bytes(size, "big") for size in (4, 6, 8)}
    return {
        "text": text,
        "utf-16 text": str(chat_id).encode("utf-16-le"),
        "hex": format(chat_id, "x").encode(),
        "HEX": format(chat_id, "X").encode(),
        "base64 of the text": base64.b64encode(text).rstrip(b"="),
        "base64 of the integer": base64.b64encode(chat_id.to_bytes(4, "big")).rstrip(b"="),
        **packed,
    }


def values(connection: sqlite3.Connection, tables: tuple[str, ...]) -> set[object]:
    found: set[object] = set()
    for table in tables:
        for row in connection.execute(f"SELECT * FROM {table}"):
            found.update(value for value in row if value not in (None, "", 0, 1, b"", "{}"))
    return found


async def test_a_copy_of_the_disk_after_a_journey_at_debug_gives_nobody_away(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    data, keys = tmp_path / "data", tmp_path / "keys"
    settings = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "LOG_LEVEL": "DEBUG",
                "KEY_DIR": str(keys), "FLOOD_UPDATES_PER_SECOND": "1000"}  # fmt: skip
    user = telegram.user(user_id=CHAT, language_code="en")
    async with running(tmp_path, **settings) as process:
        await user.send("/start")
        picker = await user.reply(within=60)  # a slow machine takes a while to import everything
        await user.press(picker, "English")
        menu = await user.reply()
        await open_topic(user, menu, "Red flags")
        await user.press(await user.reply(), "Start")
        await user.press(await user.reply(), "Yes")
        await user.reply()

        await user.send("/reminders")
        await user.press(await user.reply(), "I have arrived")
        await user.press(await user.reply(), "Russia")
        await user.reply()

        await user.send("/report")
        await user.press(await user.reply(), "They keep my passport")
        await user.press(await user.reply(), "Russia")
        await user.reply()
        await user.send(FILED_NAME)
        await user.send("They took it at the airport")
        await user.reply()
        assert (await user.reply()).text.startswith("Thank you")

        await user.send("/report")
        await user.press(await user.reply(), "They keep my passport")
        await user.press(await user.reply(), "Russia")
        await user.reply()
        await user.send(ABANDONED_NAME)
        await user.reply()
        await user.send("/menu")  # and walks away from the report
        await user.reply()
        code, log = await stop(process)
    assert code == 0, log
    assert "aiogram.event" in log, "the log was written (updates are logged by number)"

    seized = tmp_path / "seized"
    shutil.copytree(data, seized / "data")
    shutil.copytree(keys, seized / "keys")
    (seized / "safar.log").write_text(log, encoding="utf-8")
    files = [path for path in seized.rglob("*") if path.is_file()]
    assert {path.name for path in files} >= {"safar.sqlite3", "pseudonym.key", "delivery.key", "safar.log"}
    for path in files:
        content = path.read_bytes()
        for name, encoded in encodings_of(CHAT).items():
            assert encoded not in content, f"{path.name} holds the chat id as {name}"
        assert ABANDONED_NAME.encode() not in content, f"{path.name} holds the abandoned report's name"
        assert ABANDONED_NAME.encode("utf-16-le") not in content, path.name

    with sqlite3.connect(seized / "data" / "safar.sqlite3") as connection:
        shared = values(connection, REPORT_TABLES) & values(connection, PER_ACCOUNT_TABLES)
        assert connection.execute("SELECT COUNT(*) FROM offer_reports").fetchone() == (1,)
        assert connection.execute("SELECT COUNT(*) FROM reminder_chats").fetchone() == (1,), "the reminder is kept"
    assert shared == set(), "a value links the reports to an account"
