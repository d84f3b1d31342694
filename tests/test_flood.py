"""One user flooding the bot is slowed down with one polite notice; everyone else is served, also
while Telegram holds that user's chat back."""

import asyncio
import html
from collections import Counter
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.middlewares.user_context import UserContextMiddleware
from aiogram.types import Update

from bot.config import Settings
from bot.i18n import load_i18n
from bot.i18n.adverts import ADVERT_NO_PICTURES, ADVERT_NO_WORDS
from bot.i18n.messages import NOT_DELIVERED
from bot.middlewares.chat_queues import KEPT_PER_CHAT, ChatQueues
from bot.middlewares.update_guards import FloodGuard
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import start_in
from tests.support.running import RunningBot
from tests.support.waiting import eventually


def driven_flood_clock(bot: RunningBot) -> list[float]:
    """The flood guard's clock, moved by the test: `clock[0] += seconds`."""
    clock = [0.0]
    guards = [m for m in bot.app.dispatcher.update.outer_middleware if isinstance(m, FloodGuard)]
    assert len(guards) == 1
    guards[0]._clock = lambda: clock[0]
    return clock


async def test_a_flooding_user_is_throttled_with_one_notice_and_others_are_unaffected(
    telegram: FakeTelegram, settings: Settings
) -> None:
    limited = settings.model_copy(update={"flood_updates_per_second": 3.0, "flood_burst": 10})
    bot = RunningBot(limited)
    await bot.start()
    try:
        clock = driven_flood_clock(bot)
        flooder = telegram.user(user_id=666, language_code="ru")
        calm = telegram.user(user_id=777, language_code="en")
        await start_in(calm, "English")
        for _ in range(30):  # within one moment of the guard's clock: far over the limit
            await flooder.send("паспорт")
            await bot.settled(telegram)  # each handled before the next: no chat queue is full
        for _ in range(3):
            await calm.send("/menu")
            await asyncio.wait_for(calm.reply(), 5)
        await bot.settled(telegram)
        to_flooder = []
        while not flooder.nothing_sent():
            to_flooder.append(await flooder.reply())
        notices = [m for m in to_flooder if m.text.startswith("Вы отправляете сообщения очень быстро")]
        assert len(notices) == 1
        assert len(to_flooder) - len(notices) == 10, "the burst of 10, then nothing while no time passes"

        clock[0] += 4  # calm again: served as usual
        await flooder.send("/menu")
        assert "Сафар" in (await flooder.reply()).text
    finally:
        await bot.stop()


async def test_pressing_buttons_in_a_flood_still_stops_the_spinner(telegram: FakeTelegram, settings: Settings) -> None:
    limited = settings.model_copy(update={"flood_updates_per_second": 1.0, "flood_burst": 2})
    bot = RunningBot(limited)
    await bot.start()
    try:
        user = telegram.user(user_id=888, language_code="en")
        menu = await start_in(user, "English")
        answers = await asyncio.gather(*(user.press(menu, "All topics") for _ in range(6)))
        answered = {answer["callback_query_id"] for answer in answers}
        assert len(answered) == 6, "every press is answered, throttled or not"
        shown = []
        while not (shown and shown[-1].text.startswith("You are sending messages very fast.")):
            shown.append(await user.reply())
        assert len(shown) - 1 < 6, "some of the presses were throttled, and their spinners stopped all the same"
    finally:
        await bot.stop()


class SlotsHeld:
    """How many updates of each person polling has started and not finished. Each holds one of
    MAX_UPDATES_IN_FLIGHT: aiogram takes a slot before it starts an update and frees it at the end."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.now: Counter[int] = Counter()
        self.most: Counter[int] = Counter()
        feed = dispatcher.feed_update

        async def counted(bot: Bot, update: Update, **kwargs: Any) -> Any:
            user = UserContextMiddleware.resolve_event_context(update).user
            person = user.id if user is not None else 0
            self.now[person] += 1
            self.most[person] = max(self.most[person], self.now[person])
            try:
                return await feed(bot, update, **kwargs)
            finally:
                self.now[person] -= 1

        dispatcher.feed_update = counted  # type: ignore[method-assign]


def chat_queues(bot: RunningBot) -> ChatQueues:
    queues = bot.app.dispatcher["chat_queues"]
    assert isinstance(queues, ChatQueues)
    return queues


async def test_a_chat_telegram_holds_back_takes_few_slots_and_others_are_answered_meanwhile(
    telegram: FakeTelegram, settings: Settings
) -> None:
    """Issue 27: a person types about three messages a second, and Telegram lets the bot send one
    message a second into their chat (429 for the next). Their reply waits the 429 out; their
    further updates must not take every slot meanwhile, or nobody else is answered."""
    bot = RunningBot(settings.model_copy(update={"max_updates_in_flight": 6}))
    await bot.start()
    try:
        calm = telegram.user(user_id=777, language_code="en")
        menu = await start_in(calm, "English")
        slots = SlotsHeld(bot.app.dispatcher)
        telegram.seconds_between_chat_messages = 1.0
        flooder = telegram.user(user_id=666, language_code="ru")
        for _ in range(12):  # about three a second for four seconds: more updates than there are slots
            await flooder.send("паспорт")
            await asyncio.sleep(0.3)  # the behaviour itself: a person typing about three messages a second
        telegram.chat_flooded.clear()
        await asyncio.wait_for(telegram.chat_flooded.wait(), 10)
        flooded_chat, delivered_before = telegram.chat_floods[-1]
        assert flooded_chat == flooder.id, "one of the flooder's replies is waiting out a 429"

        await calm.send("/menu")
        assert (await calm.reply(within=30)).text == menu.text
        chats = [chat for _, chat, _ in telegram.delivered]
        answered_at = len(chats) - 1 - chats[::-1].index(calm.id)
        assert flooder.id not in chats[delivered_before:answered_at], "answered while the flooder's 429 was pending"
        assert slots.most[flooder.id] <= 3, f"the flooder held {slots.most[flooder.id]} slots at once"

        queues = chat_queues(bot)
        await eventually(lambda: queues.chats_under_way() == 0, within=30)
        answered = [text for _, chat, text in telegram.delivered if chat == flooder.id]
        assert len(answered) + queues.dropped == 12, "each update was answered or dropped, none left waiting"
        assert queues.dropped > 0 and len(set(answered)) == 1
        for _ in answered:
            await flooder.reply()
        await flooder.send("/menu")
        assert "Сафар" in (await flooder.reply(within=30)).text, "calm again: served as usual"
    finally:
        await bot.stop()


async def test_presses_a_busy_chat_cannot_queue_stop_spinning_at_once(telegram: FakeTelegram, bot: RunningBot) -> None:
    person = telegram.user(user_id=888, language_code="en")
    menu = await start_in(person, "English")
    presses = []
    with telegram.holding(person.id):  # the reply to /menu is on its way until the block ends: the chat is busy
        await person.send("/menu")
        presses = [asyncio.create_task(person.press(menu, "All topics")) for _ in range(6)]
        async with asyncio.timeout(10):
            while sum(press.done() for press in presses) < 3:
                await asyncio.wait([p for p in presses if not p.done()], return_when=asyncio.FIRST_COMPLETED)
        queues = chat_queues(bot)
        assert (queues.waiting(), queues.dropped) == (3, 3), "three wait their turn; the spinners of three stopped"
    await asyncio.wait_for(asyncio.gather(*presses), 10)
    assert (await person.reply()).text == menu.text, "the chat's updates in the order they came"


def answers_a_picture(text: str, language: str) -> bool:
    """The advert check's answer to a picture it cannot read (the album's files are not a real
    picture; without Tesseract, that pictures cannot be read here)."""
    i18n = load_i18n()
    return any(text.startswith(html.escape(i18n.gettext(msgid, locale=language))[:40])
               for msgid in (ADVERT_NO_WORDS, ADVERT_NO_PICTURES))  # fmt: skip


async def test_an_album_sent_while_the_chat_is_busy_loses_no_picture(telegram: FakeTelegram, bot: RunningBot) -> None:
    person = telegram.user(user_id=555, language_code="en")
    menu = await start_in(person, "English")
    queues = chat_queues(bot)
    with telegram.holding(person.id):
        await person.send("/menu")
        await person.send_album(6)
        await eventually(lambda: queues.waiting() + queues.dropped == 6)
    replies = [(await person.reply()).text for _ in range(2)]
    assert replies[0] == menu.text
    assert answers_a_picture(replies[1], "en"), "the album answered once, for all its pictures"
    assert queues.dropped == 0
    await person.send("/menu")
    assert (await person.reply()).text == menu.text, "no picture answered on its own"


async def test_pictures_beyond_what_a_busy_chat_may_keep_are_announced_in_the_persons_language(
    telegram: FakeTelegram, bot: RunningBot
) -> None:
    person = telegram.user(user_id=556, language_code="tg")
    menu = await start_in(person, "Тоҷикӣ")
    queues = chat_queues(bot)
    with telegram.holding(person.id):
        await person.send("/menu")
        for album, pictures in (("a", 10), ("b", 10), ("c", 5)):
            await person.send_album(pictures, album)
        await eventually(lambda: queues.waiting() + queues.undelivered == 25)
        assert queues.waiting() == KEPT_PER_CHAT
    replies = [(await person.reply()).text for _ in range(1 + 2 + 1)]
    i18n = load_i18n()
    assert replies[0] == menu.text
    assert all(answers_a_picture(text, "tg") for text in replies[1:-1]), "each kept album answered once"
    assert replies[-1] == i18n.gettext(NOT_DELIVERED, locale="tg"), "told once, after what did get through"
    assert (queues.undelivered, queues.dropped) == (5, 0)


async def test_an_album_counts_against_the_flood_limit_but_loses_no_picture_to_it(
    telegram: FakeTelegram, settings: Settings
) -> None:
    bot = RunningBot(settings.model_copy(update={"flood_updates_per_second": 1.0, "flood_burst": 3}))
    await bot.start()
    try:
        driven_flood_clock(bot)  # still: a loaded machine's slow replies must not refill the burst
        person = telegram.user(user_id=557, language_code="en")
        await person.send_album(6)
        await person.send("/menu")
        replies = [(await person.reply()).text for _ in range(2)]
        assert sum(answers_a_picture(text, "en") for text in replies) == 1, "the album answered, no 'slow down' instead"
        assert sum(text.startswith("You are sending messages very fast.") for text in replies) == 1, "it used the burst"
    finally:
        await bot.stop()


def test_the_default_flood_limit_asks_no_more_of_one_chat_than_telegram_allows() -> None:
    """Telegram lets a bot send about one message a second into one chat for long: a person
    allowed more updates than that only fills their chat's queue, and beyond it loses them."""
    assert Settings.model_fields["flood_updates_per_second"].default <= 1.0
