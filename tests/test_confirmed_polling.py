"""Telegram hears that an update arrived only once Safar has handled it: a process killed while a
message waited to be handled gets it again after the restart, and handles it once. A slow update
holds back no one else, and a clean stop confirms what it handled, so a restart repeats nothing."""

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest
from aiogram.exceptions import ClientDecodeError

from bot.config import Settings
from bot.handlers.counsellors import TALK_LABEL
from bot.i18n import load_i18n
from bot.runtime.app import bot_for
from bot.runtime.confirmed_polling import WINDOW
from bot.transport.new_updates import GetNewUpdates
from tests.support.desk import copies_into, desk_process_settings
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.processes import running
from tests.support.running import RunningBot
from tests.support.waiting import eventually


def confirmed_below(telegram: FakeTelegram) -> int:
    """Telegram forgets every update below the highest offset the bot has sent."""
    return max(telegram.offsets, default=0)


async def test_an_update_under_way_is_not_confirmed_and_holds_back_no_one(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    slow, other = telegram.user(user_id=3101, language_code="en"), telegram.user(user_id=3102, language_code="en")
    with telegram.holding(slow.id) as released:
        await slow.send("/sos")
        slow_update = telegram.last_update_id
        await telegram.until(lambda: telegram.calls_held[slow.id] == 1)  # its reply is on its way, slowly
        await other.send("/sos")
        await other.reply()  # answered while the first is still under way
        assert confirmed_below(telegram) <= slow_update, "confirmed before it was handled"
        released.set()
        await slow.reply()
    await telegram.until(lambda: confirmed_below(telegram) > telegram.last_update_id)  # both confirmed now
    handed_twice = [offset for offset in telegram.offsets if offset > telegram.last_update_id]
    assert handed_twice, "the bot went back to long polls once nothing was under way"


async def test_a_slow_update_with_a_full_window_behind_it_does_not_stop_the_bot(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    """Telegram hands out at most WINDOW updates from the offset: once that many wait behind a slow
    one, nothing newer can be fetched until it is confirmed, so it is confirmed (not a minute later)."""
    slow = telegram.user(user_id=3200, language_code="en")
    with telegram.holding(slow.id):
        await slow.send("/sos")
        await telegram.until(lambda: telegram.calls_held[slow.id] == 1)
        # All at once, as a crowd writes: one by one, each reply waited for a poll's settling time.
        people = [telegram.user(user_id=3201 + n, language_code="en") for n in range(WINDOW)]
        for person in people:
            await person.send("/sos")
        for person in people:
            await person.reply(within=10)
        latecomer = telegram.user(user_id=3400, language_code="en")
        await latecomer.send("/sos")
        await latecomer.reply(within=10)


async def test_a_stop_while_an_update_is_under_way_confirms_it_once_handled(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = telegram.user(user_id=3103, language_code="en")
    with telegram.holding(user.id) as released:
        await user.send("/sos")
        await telegram.until(lambda: telegram.calls_held[user.id] == 1)
        stopping = asyncio.create_task(bot.stop())
        await eventually(lambda: bot.app.dispatcher._stopped_signal.is_set(), what="polling stopped")
        released.set()  # the reply goes out while the stop waits for the updates under way
        await stopping
    await user.reply()
    await bot.start()
    await user.send("/menu")
    await user.reply()
    await bot.settled(telegram)
    assert user.nothing_sent(), "the update under way at the stop was handled again after the restart"


def queued(directory: Path) -> int:
    """Rows waiting in the bot process's relay queue, read from its SQLite file."""
    with contextlib.closing(sqlite3.connect(directory / "data" / "safar.sqlite3")) as database:
        return int(database.execute("SELECT count(*) FROM counsellor_relays").fetchone()[0])


async def test_kill_9_while_a_message_into_a_case_waits_relays_it_after_the_restart_exactly_once(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    settings = desk_process_settings(telegram)
    i18n = load_i18n()
    user = telegram.user(user_id=7101, language_code="ru")
    async with running(tmp_path, **settings) as process:
        await telegram.until(lambda: telegram.offsets, within=120)  # the process started and polls
        await start_in(user, LANGUAGE_LABELS["ru"])
        await user.send("/sos")  # a loaded machine answers slowly: wait for the answer, not for a time
        await user.press(await user.reply(within=60), i18n.gettext(TALK_LABEL, locale="ru"))
        await user.press(await user.reply(within=60), i18n.gettext("Start", locale="ru"))
        await user.reply(within=60)
        (topic,) = telegram.topics
        with telegram.holding(user.id):
            await user.send_media("location")  # Safar asks before passing it on; that question hangs
            await telegram.until(lambda: telegram.calls_held[user.id] == 1, within=60)
            await user.send("они забрали мой паспорт")  # waits behind the question, in the chat's turn
            message = telegram.last_update_id
            await telegram.until(lambda: message in telegram.handed, within=60)
            polls = len(telegram.offsets)
            await telegram.until(lambda: len(telegram.offsets) > polls, within=60)  # it asked Telegram again since
            assert confirmed_below(telegram) <= message - 1, "Telegram was told the waiting message was handled"
            process.kill()
            await asyncio.wait_for(process.wait(), 60)
    assert copies_into(telegram, topic) == [] and queued(tmp_path) == 0  # it never reached the queue

    async with running(tmp_path, **settings):
        await telegram.until(lambda: len(copies_into(telegram, topic)) == 1, within=120)
        await telegram.until(lambda: confirmed_below(telegram) > telegram.last_update_id, within=60)
        await eventually(lambda: queued(tmp_path) == 0, within=60, what="the relay queue emptied")
    assert [copy["text"] for copy in copies_into(telegram, topic)] == ["они забрали мой паспорт"]


async def test_updates_handed_out_again_while_under_way_are_not_read_again(
    settings: Settings, telegram: FakeTelegram
) -> None:
    """Every poll hands out again the updates still under way (their offset is not confirmed):
    under load most of a batch. The poller leaves them out before aiogram reads the reply into its
    models, which was the costliest part of reading it (scripts/bench_load.py); a full window still
    counts as full."""
    first, second = telegram.user(user_id=3500, language_code="en"), telegram.user(user_id=3501, language_code="en")
    await first.send("/sos")
    under_way = telegram.last_update_id
    await second.send("/sos")
    bot = bot_for(settings)
    try:
        call = GetNewUpdates(offset=under_way, timeout=0, limit=WINDOW).leaving_out({under_way})
        updates = await bot(call)
    finally:
        await bot.session.close()
    assert [update.update_id for update in updates] == [telegram.last_update_id]
    assert updates[0].message is not None and updates[0].message.text == "/sos"
    assert call.handed_out == 2, "Telegram handed out both"


async def test_a_reply_that_is_not_json_still_fails_as_aiogram_reports_it(settings: Settings) -> None:
    """A proxy's error page instead of Telegram's JSON: the poll fails with aiogram's own error
    (and polling backs off and tries again), not with an error of the leaving-out."""
    bot = bot_for(settings, retry=False)
    call = GetNewUpdates(offset=1, timeout=0, limit=WINDOW).leaving_out({1})
    try:
        page = "<html>502 Bad Gateway</html>"
        assert call.without_held(page, bot.session.json_loads, bot.session.json_dumps) == page
        with pytest.raises(ClientDecodeError):
            bot.session.check_response(bot=bot, method=call, status_code=502, content=page)
    finally:
        await bot.session.close()
