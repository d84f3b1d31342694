"""Benchmark of staff statistics and of event logging.

1. `/stats` (the report behind it) over 10,000 and over 10,000,000 synthetic events spread over
   180 days, after the daily roll-ups ran: both times and their ratio (goal: at most 2).
2. The time to handle a button press through the real dispatcher (SQLite state, real content,
   Bot API calls answered in process) with event logging on, against the same with logging off,
   in the same process (goal: logging adds under 10%).

    .venv/bin/python scripts/bench_stats.py [--small 10000] [--large 10000000]
"""

import argparse
import asyncio
import hashlib
import statistics as stat
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.types import Chat, Message, Update, User

from bot.common.staff_roles import StaffRoles
from bot.content.curriculum import node_ref
from bot.handlers.callback_data import OpenNode
from bot.i18n import load_i18n, translator
from bot.privacy.period_salts import PeriodSalts
from bot.privacy.pseudonyms import Pseudonymizer
from bot.privacy.secret_keys import ChatCipher
from bot.runtime.app import Services, Stores, create_dispatcher
from bot.services.broadcast_approval import BroadcastApprovals
from bot.services.content_holder import ContentHolder, ContentSources, LoadedContent
from bot.services.content_sync import ContentSync
from bot.services.engagement import EventRecorder
from bot.services.staff_audit import AuditLog
from bot.services.stats import Statistics
from bot.services.unlinked_writes import UnlinkedWrites
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.events import EventStore

TODAY = date(2027, 3, 10)
NAMES = [("lesson_opened", "recruitment"), ("node_viewed", "recruitment/fees"), ("lesson_completed", "recruitment"),
         ("check_result", "red_flags:one_sign"), ("hotline_opened", "russia"), ("search", "found"),
         ("language_chosen", "tg"), ("lesson_left", "recruitment/contract")]  # fmt: skip


class FixedClock:
    def now(self) -> datetime:
        return datetime(2027, 3, 10, 12, tzinfo=UTC)


async def fill(path: Path, count: int) -> None:
    connection = await open_database(path)
    users = max(count // 20, 1)
    keys = [hashlib.sha256(str(n).encode()).hexdigest()[:32] for n in range(min(users, 500_000))]
    async with connection.transaction():
        batch: list[Any] = []
        for n in range(count):
            day = TODAY - timedelta(days=n % 180)
            hour = n % 24 if day < TODAY else n % 12  # nothing after noon today, the benchmark's "now"
            name, detail = NAMES[n % len(NAMES)]
            batch.extend((f"{day.isoformat()}T{hour:02d}", keys[n % len(keys)], name, detail))
            if len(batch) >= 4 * 250:
                await connection.execute(
                    "INSERT INTO events VALUES " + ",".join(["(?, ?, ?, ?)"] * (len(batch) // 4)), batch
                )
                batch = []
        if batch:
            marks = ",".join(["(?, ?, ?, ?)"] * (len(batch) // 4))
            await connection.execute("INSERT INTO events VALUES " + marks, batch)
    await Statistics(EventStore(connection), FixedClock()).maintain()
    await connection.close()


async def time_report(path: Path, days: int | None, repeat: int = 5) -> float:
    connection = await open_database(path)
    statistics = Statistics(EventStore(connection), FixedClock())
    began = time.perf_counter()
    for _ in range(repeat):
        await statistics.report(days)
    elapsed = (time.perf_counter() - began) / repeat
    await connection.close()
    return elapsed


class AnsweringSession(BaseSession):
    """Answers Bot API calls in process, so only Safar's own work is timed."""

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:  # noqa: ASYNC109
        returning = method.__returning__
        if returning is bool:
            return True
        if returning is User:  # getMe: the share button links to the bot by its username
            return User(id=1, is_bot=True, first_name="Safar", username="safar_benchmark_bot")
        chat = Chat(id=1, type="private")
        return Message(message_id=1, date=datetime.now(UTC), chat=chat, text="x")

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    async def close(self) -> None:
        return None


async def time_updates(path: Path, logging_on: bool, loaded: LoadedContent, presses: int = 400) -> list[float]:
    """Median-ready timings of button presses on a fresh database over content read once (reading
    it costs seconds, which each of the six rounds spent again before)."""
    connection = await open_database(path)
    i18n = load_i18n()
    content = ContentHolder(ContentSources(None, None, translator(i18n)), loaded)
    cipher = ChatCipher(b"b" * 32)
    stores = Stores.over(connection, cipher, PeriodSalts(), shared=False)
    recorder = EventRecorder(stores.events, FixedClock())
    if not logging_on:
        recorder.record = lambda *args, **kwargs: None  # type: ignore[method-assign]
    audit = AuditLog(stores.staff_audit, FixedClock())
    services = Services(
        database=connection,
        cipher=cipher,
        stores=stores,
        content=content,
        content_sync=ContentSync(content, stores.content_reloads, FixedClock()),
        i18n=i18n,
        pseudonyms=Pseudonymizer(b"k" * 32),
        clock=FixedClock(),
        staff=StaffRoles(),
        recorder=recorder,
        statistics=Statistics(stores.events, FixedClock()),
        unlinked=UnlinkedWrites(connection, FixedClock()),
        approvals=BroadcastApprovals(stores.proposals, stores.broadcasts, audit, FixedClock(), None, StaffRoles()),
    )
    dispatcher = create_dispatcher(services, flood=(1000.0, 1000))
    bot = Bot("1:benchmark", session=AnsweringSession())
    targets = [node_ref(node) for node in loaded.curriculum.node_ids()]
    user = User(id=42, is_bot=False, first_name="U", language_code="en")
    message = Message(message_id=1, date=datetime.now(UTC), chat=Chat(id=42, type="private"), text="x")
    timings = []
    for n in range(presses):
        data = OpenNode(ref=targets[n % len(targets)]).pack()
        query = {"id": str(n), "from": user.model_dump(), "chat_instance": "c", "data": data,
                 "message": message.model_dump()}  # fmt: skip
        update = Update.model_validate({"update_id": n, "callback_query": query})
        began = time.perf_counter()
        await dispatcher.feed_update(bot, update)
        timings.append(time.perf_counter() - began)
        if recorder.waiting >= 500:
            await recorder.flush()  # as the periodic job does, off the update
    await recorder.flush()
    await connection.close()
    return timings[50:]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=10_000_000)
    parser.add_argument("--presses", type=int, default=400, help="button presses timed per round (50 warm up)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        small, large = Path(scratch, "small.db"), Path(scratch, "large.db")
        began = time.perf_counter()
        await fill(small, arguments.small)
        await fill(large, arguments.large)
        took = time.perf_counter() - began
        print(f"filled and rolled up {arguments.small:,} and {arguments.large:,} events in {took:.0f} s")
        for days, label in ((7, "7d"), (30, "30d"), (None, "all")):
            fast, slow = await time_report(small, days), await time_report(large, days)
            print(
                f"/stats {label}: {fast * 1e3:.1f} ms over {arguments.small:,} events, "
                f"{slow * 1e3:.1f} ms over {arguments.large:,} (ratio ×{slow / fast:.2f})"
            )
        medians: dict[bool, list[float]] = {False: [], True: []}
        loaded = ContentSources(None, None, translator(load_i18n()), FixedClock()).load()
        for round_number in range(3):  # alternated, so warm-up and machine noise fall on both
            for logging_on in (False, True):
                database = Path(scratch, f"{round_number}-{logging_on}.db")
                timings = await time_updates(database, logging_on, loaded, arguments.presses)
                medians[logging_on].append(stat.median(timings))
        median_off, median_on = min(medians[False]), min(medians[True])
        print(
            f"button press handled: median {median_off * 1e3:.2f} ms without event logging, "
            f"{median_on * 1e3:.2f} ms with it (+{(median_on / median_off - 1):.1%})"
        )


if __name__ == "__main__":
    asyncio.run(main())
