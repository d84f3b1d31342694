"""A new user opens Safar, is asked for a language, and sees the menu in it, remembered."""

import asyncio
import gc

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.middlewares.chat_locks import ReleasingEventIsolation
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, expected_text, start_in
from tests.support.running import RunningBot


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_first_start_preselects_the_phone_language_and_shows_the_menu_in_it(
    telegram: FakeTelegram, bot: RunningBot, language: str
) -> None:
    user = telegram.user(language_code=language)
    await user.send("/start")
    picker = await user.reply()
    assert f"✅ {LANGUAGE_LABELS[language]}" in picker.labels()
    assert len(picker.labels()) == 5, "four languages and help"
    answer = await user.press(picker, LANGUAGE_LABELS[language])
    assert LANGUAGE_LABELS[language] in answer.get("text", "")
    menu = await user.reply()
    assert menu.message_id == picker.message_id, "the picker turns into the menu in place"
    assert menu.text == expected_text("main", "menu", language)


async def test_an_unsupported_phone_language_preselects_russian(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="de")
    await user.send("/start")
    picker = await user.reply()
    assert "✅ Русский" in picker.labels()
    assert picker.text.splitlines()[0] == "Выберите язык"


async def test_the_chosen_language_survives_a_restart(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="ru")
    await start_in(user, "Тоҷикӣ")
    await bot.restart()
    await user.send("/start")
    menu = await user.reply()
    assert menu.text == expected_text("main", "menu", "tg")


async def test_language_command_changes_the_language(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    await start_in(user, "English")
    await user.send("/language")
    picker = await user.reply()
    assert "✅ English" in picker.labels()
    await user.press(picker, "Oʻzbekcha")
    menu = await user.reply()
    assert menu.text == expected_text("main", "menu", "uz")
    assert "🆘 Yordam" in menu.labels()


async def test_commands_are_registered_in_every_language(telegram: FakeTelegram, bot: RunningBot) -> None:
    assert set(telegram.commands) == {None, "tg", "ru", "uz", "en"}
    russian = {c["command"]: c["description"] for c in telegram.commands["ru"]}
    assert russian["sos"] == "Горячие линии: помощь сейчас"
    assert {c["command"] for c in telegram.commands["tg"]} == {
        "start",
        "menu",
        "sos",
        "language",
        "country",
        "reminders",
        "stop",
        "agency",
        "report",
        "news",
        "privacy",
        "forget",
    }


async def test_help_is_one_tap_away_before_a_language_is_chosen(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="tg")
    await user.send("/start")
    picker = await user.reply()
    await user.press(picker, "🆘 Кӯмак")
    assert (await user.reply()).text == expected_text("hotlines", "start", "tg")


async def test_two_quick_taps_are_handled_one_after_the_other(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="en")
    menu = await start_in(user, "English")
    # Sent in this order (the second before the first is answered), so handled in this order.
    await asyncio.gather(user.press(menu, "I plan to work abroad"), user.press(menu, "I am abroad now"))
    assert (await user.reply()).text == expected_text("main", "planning", "en")
    second = await user.reply()
    assert second.text == expected_text("main", "abroad", "en")
    await user.press(second, "Back")
    back = await user.reply()
    assert back.text == expected_text("main", "planning", "en"), "back from the second tap goes to the first's screen"
    await user.press(back, "Back")
    assert (await user.reply()).text == expected_text("main", "menu", "en"), "history holds both steps"


def chat_locks() -> int:
    return sum(isinstance(thing, asyncio.Lock) for thing in gc.get_objects())


async def test_chats_that_went_quiet_hold_no_lock(telegram: FakeTelegram, bot: RunningBot) -> None:
    """aiogram's SimpleEventIsolation kept a lock per chat forever (~32 MiB per 100,000 users)."""
    before = chat_locks()
    users = [telegram.user(user_id=7000 + n, language_code="en") for n in range(40)]
    await asyncio.gather(*(start_in(user, "English") for user in users))
    for user in users[:5]:  # two quick taps still wait for each other
        await user.send("/menu")
        menu = await user.reply()
        await asyncio.gather(user.press(menu, "I plan to work abroad"), user.press(menu, "I am abroad now"))
        await user.reply()
        await user.reply()
    await bot.settled(telegram)
    assert chat_locks() - before < 5, "45 chats have written; none has an update in flight"


async def test_updates_still_running_at_shutdown_end_without_an_error() -> None:
    """aiogram closes the isolation at shutdown while updates may still hold their chat's lock."""
    isolation = ReleasingEventIsolation()
    key = StorageKey(bot_id=1, chat_id=2, user_id=2)
    entered, closed = asyncio.Event(), asyncio.Event()

    async def update() -> None:
        async with isolation.lock(key):
            entered.set()
            await closed.wait()  # still holding its chat's lock when the isolation closes

    running = asyncio.create_task(update())
    await entered.wait()
    await isolation.close()
    closed.set()
    await running  # raised KeyError once the map had been emptied
    assert isolation.chats_in_flight() == 0
