"""What is stored is keyed by a keyed hash, and `/forget` erases it (on SQLite and PostgreSQL)."""

import re
import stat
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.privacy.pseudonyms import Pseudonymizer
from bot.runtime.command_menu import COMMANDS
from bot.services.stats import RAW_EVENT_HOURS
from tests.support.clock import ManualClock
from tests.support.fake_telegram import FakeTelegram, parse_html
from tests.support.journeys import LANGUAGE_LABELS, open_topic, start_in
from tests.support.running import RunningBot
from tests.support.stored import stored

pytestmark = pytest.mark.both_backends


async def rows(settings: Settings) -> list[tuple[str, ...]]:
    found = await stored(settings, "SELECT user_key, language FROM user_settings")
    found += await stored(settings, "SELECT storage_key, user_key FROM fsm_state")
    return found


async def test_forget_erases_the_users_settings_and_place(
    telegram: FakeTelegram, bot: RunningBot, settings: Settings
) -> None:
    user = telegram.user(user_id=4242, language_code="ru")
    other = telegram.user(user_id=4343, language_code="en")
    await start_in(other, "English")
    menu = await start_in(user, "Русский")
    await open_topic(user, menu, "Агентства")
    await user.reply()
    assert len(await rows(settings)) == 4
    assert all("4242" not in value for row in await rows(settings) for value in row)

    await user.send("/forget")
    question = await user.reply()
    await user.press(question, "Нет, оставить")
    assert (await user.reply()).text == "Ничего не удалено."
    assert len(await rows(settings)) == 4

    await user.send("/forget")
    question = await user.reply()
    await user.press(question, "Да, удалить")
    assert (await user.reply()).text.startswith("Готово")
    assert len(await rows(settings)) == 2, "only the other user's rows are left"

    await user.send("/start")
    picker = await user.reply()
    assert "✅ Русский" in picker.labels(), "a forgotten user is asked for a language again"


async def test_keys_are_generated_apart_from_the_data_and_everything_is_the_owners_only(
    bot: RunningBot, settings: Settings
) -> None:
    assert settings.key_dir is not None
    for name in ("pseudonym.key", "delivery.key"):
        key_file = settings.key_dir / name
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert len(key_file.read_bytes()) == 64
        assert not (settings.db_path.parent / name).exists(), "no key in the data directory"
    assert stat.S_IMODE(settings.key_dir.stat().st_mode) == 0o700
    if settings.database_url is not None:
        return  # the data directory is the SQLite file's; PostgreSQL keeps its files itself
    assert stat.S_IMODE(settings.db_path.parent.stat().st_mode) == 0o700
    for path in settings.db_path.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


async def test_privacy_explains_what_is_kept(telegram: FakeTelegram, bot: RunningBot) -> None:
    user = telegram.user(language_code="tg")
    await start_in(user, "Тоҷикӣ")
    await user.send("/privacy")
    answer = await user.reply()
    assert answer.text.startswith("<b>Сафар чиро нигоҳ медорад</b>")
    assert "Он чи мекушоед (дарсҳо, саҳифаҳо, натиҷаҳои санҷиш)" in answer.text, "engagement statistics are explained"
    assert "/stop" in answer.text and "/forget" in answer.text


async def test_privacy_gives_the_numbers_and_commands_the_code_has_in_every_language(
    telegram: FakeTelegram, settings: Settings
) -> None:
    settings.report_retention_days = 90
    bot = RunningBot(settings)
    await bot.start()
    for number, (language, label) in enumerate(LANGUAGE_LABELS.items()):
        user = telegram.user(user_id=4600 + number, language_code=language)
        await start_in(user, label)
        await user.send("/privacy")
        visible = parse_html((await user.reply()).text)[0]
        assert re.findall(r"\d+", visible) == [str(RAW_EVENT_HOURS), "90"], (language, "hours of raw events, days")
        mentioned = set(re.findall(r"/([a-z]+)", visible))
        assert mentioned == {"reminders", "news", "stop", "forget"}, language
        assert mentioned <= {name for name, _ in COMMANDS}, "every command it names is in the menu"
    await bot.stop()


async def test_what_someone_opened_leaves_the_disk_after_the_hours_privacy_says(
    telegram: FakeTelegram, settings: Settings
) -> None:
    opened_at = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # the start of an hour: the longest wait
    clock = ManualClock(opened_at)
    bot = RunningBot(settings, clock)
    await bot.start()
    user = telegram.user(user_id=4700, language_code="en")
    await open_topic(user, await start_in(user, "English"), "Red flags")
    await user.reply()
    await bot.app.recorder.flush()
    assert settings.key_dir is not None
    user_key = Pseudonymizer((settings.key_dir / "pseudonym.key").read_bytes().strip()).user_key(4700)

    async def events() -> int:
        found = await stored(settings, "SELECT COUNT(*) FROM events WHERE user_key = :key", {"key": user_key})
        return int(found[0][0])

    assert await events() > 0
    clock.set(opened_at + timedelta(hours=RAW_EVENT_HOURS, minutes=-1))
    await bot.app.statistics.maintain()
    assert await events() > 0, "“about” that many hours: not much sooner either"
    clock.set(opened_at + timedelta(hours=RAW_EVENT_HOURS))
    await bot.app.statistics.maintain()  # the roll-up job, which runs every ten minutes
    assert await events() == 0, "rolled up into daily totals and deleted"
    await bot.stop()


async def test_forget_also_erases_events_not_yet_written(telegram: FakeTelegram, settings: Settings) -> None:
    bot = RunningBot(settings)
    await bot.start()
    user = telegram.user(user_id=4545, language_code="en")
    menu = await start_in(user, "English")
    await open_topic(user, menu, "Red flags")
    await user.reply()
    assert bot.app.recorder.waiting > 0, "events are still buffered in memory"
    await user.send("/forget")
    await user.press(await user.reply(), "Yes, erase")
    await user.reply()
    await bot.stop()  # a clean shutdown writes whatever is still buffered
    assert settings.key_dir is not None
    user_key = Pseudonymizer((settings.key_dir / "pseudonym.key").read_bytes().strip()).user_key(4545)
    events = await stored(settings, "SELECT name FROM events WHERE user_key = :user_key", {"user_key": user_key})
    assert events == [], "nothing recorded before /forget comes back"
