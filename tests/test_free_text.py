"""Typing instead of tapping: matching lessons, or a hint and the menu. Nothing typed is kept."""

import sqlite3
import struct
from pathlib import Path

from bot.config import Settings
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import expected_text, start_in
from tests.support.running import RunningBot


async def test_a_question_in_russian_opens_the_screen_about_agency_fees(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Русский")
    await user.send("Агентство просит ДЕНЬГИ за работу, что делать?")
    found = await user.reply()
    assert found.text == "Уроки, которые могут помочь:"
    assert found.labels()[0] == "Платить за поиск работы не нужно."
    await user.press(found, "Платить за поиск работы не нужно.")
    assert (await user.reply()).text == expected_text("recruitment", "fees", "ru")


async def test_a_tajik_word_typed_in_latin_letters_is_found(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="tg")
    await start_in(user, "Тоҷикӣ")
    await user.send("shinosnoma")
    found = await user.reply()
    assert "Ҳуҷҷатҳо ва нусхаҳо" in found.labels(), "the screen about passports and their copies"


async def test_words_without_a_match_get_a_hint_and_the_menu(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.send("hello there")
    hint = await user.reply()
    assert hint.text.startswith("I did not find a lesson for that.")
    assert hint.text.endswith(expected_text("main", "menu", "en"))
    assert "📚 All topics" in hint.labels()


def stored_forms(number: int) -> list[bytes]:
    """Every way SQLite may write `number` in a file: as text, as an INTEGER (big-endian, in 4, 6 or
    8 bytes, the sizes a value of this size takes) and as a REAL."""
    integers = [number.to_bytes(size, "big", signed=True) for size in (4, 6, 8) if number < 2 ** (8 * size - 1)]
    return [str(number).encode(), *integers, struct.pack(">d", number)]


def test_an_id_stored_as_an_integer_is_found(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "db") as connection:
        connection.execute("CREATE TABLE chats (chat_id INTEGER)")
        connection.execute("INSERT INTO chats VALUES (987654321)")
    stored = (tmp_path / "db").read_bytes()
    assert b"987654321" not in stored, "SQLite stores an INTEGER in binary, not as text"
    assert any(form in stored for form in stored_forms(987654321))


async def test_what_users_type_is_not_stored(telegram: FakeTelegram, bot: RunningBot, settings: Settings) -> None:
    user = telegram.user(user_id=987654321, language_code="ru")
    await start_in(user, "Русский")
    secret = "Меня зовут Фаррух, мой паспорт забрал бригадир Рустам"
    await user.send(secret)
    await user.reply()
    await bot.stop()
    stored = b"".join(
        path.read_bytes() for path in settings.db_path.parent.iterdir() if path.name.startswith("safar.sqlite3")
    )
    for fragment in ("Фаррух", "Рустам", "бригадир"):
        assert fragment.encode() not in stored
    for encoding in stored_forms(user.id):
        assert encoding not in stored, "the user's id is stored"
    await bot.start()


async def test_unknown_commands_and_stickers_get_a_kind_answer(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="uz")
    await start_in(user, "Oʻzbekcha")
    await user.send("/weather")
    answer = await user.reply()
    assert answer.text.startswith("Men bu buyruqni bilmayman.")
    await user.send_sticker()
    answer = await user.reply()
    assert answer.text.startswith("Men faqat matnni oʻqiy olaman.")
    assert "🆘 Yordam" in answer.labels()
