"""Benchmark of reminder delivery: a million stored reminders, ten thousand due.

Reports, each beside a baseline measured in the same process:
- the time to claim one batch of due reminders with 1,000,000 stored, against the same claim
  with only the due ones stored (the index should make them alike);
- the sustained send rate through the real sender and Bot API client, against a local fake Bot
  API, as a share of the configured limit (goal: at least 95%), with lost and duplicate counts;
- the Python memory a dispatcher run allocates with 0 and with 1,000,000 stored (goal: no growth).

    .venv/bin/python scripts/bench_reminders.py [--stored 1000000] [--due 10000] [--send 600]
"""

import argparse
import asyncio
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.config import Settings
from bot.privacy.secret_keys import ChatCipher
from bot.runtime.app import bot_for
from bot.services.reminder_dispatcher import ReminderDispatcher
from bot.services.sender import BulkSender, Outgoing
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.reminders import DueReminder, ReminderStore
from bot.transport.outbound import bulk_delivery

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # noon in Moscow: outside quiet hours
TOKEN = "7000001:AAE-benchmarkToken_0123456789abcdefghij"
CIPHER = ChatCipher(b"b" * 32)
"""Chat ids are stored sealed, as Safar stores them: opening them is part of a claim's cost."""


class FixedClock:
    def now(self) -> datetime:
        return NOW


async def fill(path: Path, stored: int, due: int) -> None:
    """`due` reminders due now (one per user) and `stored - due` due next year."""
    connection = await open_database(path)
    async with connection.transaction():
        await connection.executemany(
            "INSERT INTO reminder_chats (user_key, chat_box, time_zone, language) VALUES (?, ?, 'Europe/Moscow', 'en')",
            ((f"u{n}", CIPHER.seal(10_000 + n)) for n in range(due)),
        )
        now, later = int(NOW.timestamp()) - 60, int((NOW + timedelta(days=365)).timestamp())
        await connection.executemany(
            "INSERT INTO reminders (user_key, kind, item, payload, due_at) "
            "VALUES (?, 'expiry', 'x', '{\"date\": \"1.1\"}', ?)",
            ((f"u{n % max(due, 1)}", now if n < due else later + n) for n in range(stored)),
        )
    await connection.close()


async def time_claims(path: Path, batches: int = 5, size: int = 500) -> float:
    connection = await open_database(path)
    store = ReminderStore(connection, CIPHER)
    began = time.perf_counter()
    for _ in range(batches):
        await store.claim_due(NOW, size, 600)
    elapsed = (time.perf_counter() - began) / batches
    await connection.close()
    return elapsed


async def memory_of_a_run(path: Path, size: int) -> int:
    connection = await open_database(path)

    async def discard(item: Outgoing) -> None:
        return None

    def render(entry: DueReminder, plain: bool) -> Outgoing:
        return Outgoing(entry.chat.chat_id, "reminder")

    dispatcher = ReminderDispatcher(ReminderStore(connection, CIPHER), BulkSender(discard, messages_per_second=1e6),
                                    render, FixedClock(), batch_size=size)  # fmt: skip
    tracemalloc.start()
    await dispatcher.run_once()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    await connection.close()
    return peak


async def fake_bot_api() -> tuple[web.AppRunner, str, list[tuple[float, int]]]:
    delivered: list[tuple[float, int]] = []

    async def handle(request: web.Request) -> web.Response:
        method = request.match_info["method"]
        data: dict[str, Any] = {}
        if request.can_read_body:  # Safar sends JSON bodies (bot/transport/request_bodies.py)
            data = await request.json() if request.content_type == "application/json" else dict(await request.post())
        if method == "sendMessage":
            chat = int(str(data["chat_id"]))
            delivered.append((time.monotonic(), chat))
            result: Any = {"message_id": len(delivered), "date": 0, "chat": {"id": chat, "type": "private"},
                           "text": str(data.get("text", ""))}  # fmt: skip
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}", delivered


async def send_rate(path: Path, count: int, limit: float) -> tuple[float, int, int]:
    runner, url, delivered = await fake_bot_api()
    settings = Settings(_env_file=None, bot_token=SecretStr(TOKEN), bot_api_base_url=url)  # type: ignore[call-arg]
    bot = bot_for(settings, retry=False)
    connection = await open_database(path)
    store = ReminderStore(connection, CIPHER)
    sender = BulkSender(bulk_delivery(bot), messages_per_second=limit)

    def render(entry: DueReminder, plain: bool) -> Outgoing:
        return Outgoing(entry.chat.chat_id, f"reminder {entry.reminder.id}")

    dispatcher = ReminderDispatcher(store, sender, render, FixedClock(), batch_size=count)
    try:
        began = time.monotonic()
        claimed = await dispatcher.run_once()
        elapsed = time.monotonic() - began
    finally:
        # Anything left open (aiosqlite's worker thread above all) would keep the process from exiting.
        await bot.session.close()
        await connection.close()
        await runner.cleanup()
    chats = Counter(chat for _, chat in delivered)
    duplicates = sum(n - 1 for n in chats.values() if n > 1)
    lost = claimed - len(chats)
    return len(delivered) / elapsed, lost, duplicates


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--send", type=int, default=600, help="reminders to send for the rate test")
    parser.add_argument("--limit", type=float, default=30.0, help="messages per second allowed")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        small, big, rate_db = Path(scratch, "due-only.db"), Path(scratch, "million.db"), Path(scratch, "rate.db")
        began = time.perf_counter()
        await fill(small, arguments.due, arguments.due)
        await fill(big, arguments.stored, arguments.due)
        await fill(rate_db, arguments.send, arguments.send)
        print(f"filled: {arguments.stored:,} stored, {arguments.due:,} due, in {time.perf_counter() - began:.0f} s")
        baseline, measured = await time_claims(small), await time_claims(big)
        print(
            f"claim a batch of 500: {measured * 1e3:.1f} ms with {arguments.stored:,} stored; "
            f"{baseline * 1e3:.1f} ms with only the due ones (ratio ×{measured / baseline:.2f})"
        )
        empty, full = Path(scratch, "empty.db"), Path(scratch, "full.db")
        await fill(empty, 500, 500)
        await fill(full, arguments.stored, 500)
        memory_small, memory_big = await memory_of_a_run(empty, 500), await memory_of_a_run(full, 500)
        print(
            f"Python memory of one run (500 due): {memory_small / 2**20:.1f} MiB with 500 stored, "
            f"{memory_big / 2**20:.1f} MiB with {arguments.stored:,} stored (ratio ×{memory_big / memory_small:.2f})"
        )
        rate, lost, duplicates = await send_rate(rate_db, arguments.send, arguments.limit)
        print(
            f"send rate: {rate:.1f} msg/s against a limit of {arguments.limit:.0f} "
            f"({rate / arguments.limit:.0%}); lost {lost}, duplicates {duplicates}"
        )


if __name__ == "__main__":
    asyncio.run(main())
