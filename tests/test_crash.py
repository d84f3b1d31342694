"""`kill -9` of the bot process: under load, and in the middle of a reminder batch.

After a restart the database is intact, every user is where the last screen they saw (or the
tap that was under way) put them, and every reminder has arrived exactly once.
"""

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from aiogram.fsm.storage.base import StorageKey

from bot.content.curriculum import NodeId
from bot.handlers.conversation import durable_part
from bot.privacy.pseudonyms import Pseudonymizer
from bot.privacy.secret_keys import ChatCipher
from bot.services.lesson_engine import Conversation, DialogueEngine
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.conversations import DatabaseFSMStorage
from bot.storage.stores.reminders import ReminderStore
from tests.support.bot_process import DELIVERY_KEY, KEY, bot_settings, daytime_zone
from tests.support.content_walks import covering_walks, plan_walks
from tests.support.fake_telegram import BOT_ID, BadRequest, FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, expected_text, start_in
from tests.support.processes import running
from tests.support.real_content import real_curriculum
from tests.support.waiting import eventually

CURRICULUM = real_curriculum()
ENGINE = DialogueEngine(CURRICULUM)
WALKS = covering_walks(plan_walks(CURRICULUM))
KILL_AFTER_ANSWERS = 80
T = TypeVar("T")
LANGUAGES = list(LANGUAGE_LABELS.items())


class Walker:
    """A user tapping through one planned walk; knows where each tap should lead."""

    def __init__(self, user: FakeUser, menu: Sent, taps: tuple[int, ...]) -> None:
        self.user = user
        self.menu = menu
        self.taps = taps
        self.conversation = Conversation()
        ENGINE.home(self.conversation, "en")
        self.shown: NodeId = CURRICULUM.home
        self.under_way: NodeId | None = None

    async def walk(self, answered: list[int], enough: asyncio.Event, killed: asyncio.Event) -> None:
        screen = self.menu
        for tap in self.taps:
            button = [b for row in ENGINE.screen(self.conversation, "en").rows for b in row][tap]
            if button.kind == "answer":
                target = ENGINE.answer(self.conversation, self.shown, tap, "en").node
            elif button.kind == "go":
                target = ENGINE.open(self.conversation, CURRICULUM.by_ref(button.target) or self.shown, "en").node
            else:
                return  # tools and links leave the lesson graph
            data = [b for row in screen.buttons for b in row][tap]["callback_data"]
            self.under_way = target
            answer = await unless_killed(self.user.press_data(screen, data), killed)
            reply = await unless_killed(self.user.reply(within=60), killed) if answer is not None else None
            if reply is None:
                return  # the bot was killed with this tap under way
            screen, self.shown, self.under_way = reply, target, None
            answered.append(1)
            if len(answered) >= KILL_AFTER_ANSWERS:
                enough.set()


async def unless_killed(step: Coroutine[Any, Any, T], killed: asyncio.Event) -> T | None:
    """The step's result, or None if the bot was killed first: a loaded machine may be slow to
    answer, but only the kill leaves a tap unanswered."""
    doing, dead = asyncio.create_task(step), asyncio.create_task(killed.wait())
    await asyncio.wait({doing, dead}, return_when=asyncio.FIRST_COMPLETED)
    dead.cancel()
    if doing.done():
        return doing.result()
    doing.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await doing
    return None


async def stored_positions(db_path: Path, user_ids: list[int]) -> dict[int, NodeId | None]:
    connection = await open_database(db_path)
    try:
        assert await connection.fetchone("PRAGMA integrity_check") == ("ok",)
        storage = DatabaseFSMStorage(connection, Pseudonymizer(KEY.encode()), durable_part)
        positions = {}
        for user_id in user_ids:
            data = await storage.get_data(StorageKey(bot_id=BOT_ID, chat_id=user_id, user_id=user_id))
            positions[user_id] = Conversation.from_data(dict(data.get("conversation") or {})).position
        return positions
    finally:
        await connection.close()


async def test_kill_9_under_load_keeps_every_users_place(tmp_path: Path, telegram: FakeTelegram) -> None:
    settings = bot_settings(telegram)
    telegram.answer_within = 60  # a loaded machine answers slowly; only the kill may leave a tap unanswered
    users = [telegram.user(user_id=1000 + n, language_code=LANGUAGES[n % 4][0]) for n in range(24)]
    walkers: list[Walker] = []
    async with running(tmp_path, **settings) as process:
        await telegram.until(lambda: telegram.offsets, within=60)  # the process started and polls
        menus = await asyncio.gather(*(start_in(user, LANGUAGES[n % 4][1]) for n, user in enumerate(users)))
        walkers += [
            Walker(user, menu, WALKS[n % len(WALKS)]) for n, (user, menu) in enumerate(zip(users, menus, strict=True))
        ]
        answered: list[int] = []
        enough, killed = asyncio.Event(), asyncio.Event()
        walking = [asyncio.create_task(w.walk(answered, enough, killed)) for w in walkers]
        await asyncio.wait_for(enough.wait(), 120)
        process.kill()  # SIGKILL, mid-load
        await process.wait()
        killed.set()
        await asyncio.gather(*walking)
    assert any(w.under_way for w in walkers), "the kill caught taps under way"

    positions = await stored_positions(tmp_path / "data" / "safar.sqlite3", [u.id for u in users])
    for walker in walkers:
        assert positions[walker.user.id] in (walker.shown, walker.under_way), walker.user.id

    polled_before_the_restart = len(telegram.offsets)
    async with running(tmp_path, **settings):
        await telegram.until(lambda: len(telegram.offsets) > polled_before_the_restart, within=60)

        async def back_to_the_menu(user: FakeUser, language: str) -> None:
            await user.send("/menu")
            menu = expected_text("main", "menu", language)
            # Taps the dead process had not confirmed are delivered again first: their screens may come before.
            while (await user.reply(within=60)).text != menu:
                pass

        await asyncio.gather(*(back_to_the_menu(user, LANGUAGES[n % 4][0]) for n, user in enumerate(users)))
    # Taps the dead process had taken but not handled stay unanswered: their spinner times out on the phone.
    for query, answered_event in list(telegram.open_queries.items()):
        if not answered_event.is_set():
            del telegram.open_queries[query]


def reminders_left(db_path: Path) -> int:
    """Reminders still to be sent (pending, or claimed by a run), as another process reads the file."""
    with sqlite3.connect(db_path) as connection:
        (left,) = connection.execute("SELECT COUNT(*) FROM reminders WHERE state IN ('pending', 'claimed')").fetchone()
    return int(left)


async def due_reminders(db_path: Path, chats: list[int]) -> None:
    connection = await open_database(db_path)
    try:
        now = int(time.time()) - 60
        store = ReminderStore(connection, ChatCipher(bytes.fromhex(DELIVERY_KEY)))
        for chat in chats:
            await store.opt_in(f"user-{chat}", chat, daytime_zone(), "en")
            await connection.execute(
                "INSERT INTO reminders (user_key, kind, item, payload, due_at) "
                "VALUES (?, 'expiry', 'passport', '{\"date\": \"01.03.2027\"}', ?)",
                (f"user-{chat}", now),
            )
    finally:
        await connection.close()


async def test_kill_9_in_a_reminder_batch_sends_each_reminder_exactly_once(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    db_path = tmp_path / "data" / "safar.sqlite3"
    db_path.parent.mkdir()
    chats = list(range(5000, 5040))
    await due_reminders(db_path, chats)
    settings = bot_settings(telegram, BULK_MESSAGES_PER_SECOND="25")
    async with running(tmp_path, **settings) as process:
        sent_to: list[int] = []

        def kill_during_the_batch(method: str, params: dict[str, object]) -> None:
            if method == "sendMessage" and int(str(params["chat_id"])) in chats:
                if len(sent_to) == 15:
                    process.kill()  # the 16th message is under way: it never got an answer
                    raise BadRequest("Internal Server Error", 500)
                sent_to.append(int(str(params["chat_id"])))

        telegram.before_call = kill_during_the_batch
        await asyncio.wait_for(process.wait(), 30)
    telegram.before_call = None
    assert len(sent_to) == 15

    async with running(tmp_path, **settings):
        await telegram.delivered_to(set(chats), within=30)  # every reminder arrives after the restart
        # A delivered reminder's row is deleted: with none left, none can be sent again.
        await eventually(lambda: reminders_left(db_path) == 0, 30, what="every reminder recorded as delivered")
    per_chat = [sum(1 for _, chat, _ in telegram.delivered if chat == c) for c in chats]
    assert per_chat == [1] * len(chats), "none lost, none twice"
