"""Telling Safar whether a hotline answered, as a caller does it from the hotline card."""

import sqlite3

from bot.config import Settings
from tests.support.fake_telegram import FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS

RU_EMERGENCY = "☎️ 112 · Россия — номер экстренных служб 112"


async def open_russian_hotlines(user: FakeUser, language: str = "ru") -> Sent:
    await user.send("/start hotlines-ru")
    await user.press(await user.reply(), LANGUAGE_LABELS[language])
    return await user.reply()


async def tell(user: FakeUser, screen: Sent, contact: str, outcome: str) -> str:
    """Tap "I called", the contact, the outcome; returns the last toast."""
    assert (await user.press(screen, "☎️ Я позвонил(а)"))["text"] == "На какой номер вы звонили?"
    await user.reply()
    assert (await user.press(screen, contact))["text"] == "Вам ответили?"
    await user.reply()
    toast = str((await user.press(screen, outcome))["text"])
    await user.reply()
    return toast


def answers(settings: Settings) -> list[tuple[str, str, int]]:
    with sqlite3.connect(settings.db_path) as database:
        return database.execute("SELECT contact, outcome, answers FROM contact_answers ORDER BY contact").fetchall()
