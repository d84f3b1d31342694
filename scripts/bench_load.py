"""Load benchmark: K concurrent users walking lessons, Safar against a minimal aiogram bot.

Both bots run in their own process with long polling against the same light fake Bot API on
loopback, served by this process along with the simulated users. Safar runs as operators run it
(`python -m bot`: real SQLite file, real content, 10,000 users' language and place in a lesson
stored beforehand); each bot runs under scripts/gc_timed.py, which times its garbage collections.
Each user taps a button on the last message it got (or now and then types a
word), waits for the answer, and taps again.

Reports per bot: updates handled per second, p50/p99 latency from update to reply, the bot
process's peak memory (VmHWM), how busy its core was (near 100% when the bot, not the
driver, is what limits the rate) and the CPU time it spent per answered update; then Safar's
throughput as a ratio of the baseline's (goal ≥ 0.9 at K = 200, issue 34), its CPU per update as a ratio of the
baseline's (what the code costs, whatever share of the core other work left each bot), and its extra
peak memory (goal ≤ 30 MB). Safar's process builds aiogram's Telegram models on first use (about
100 MB less than the bare bot's import, which builds them all); `--baseline-on-demand` gives the
bare bot the same, so that the extra peak memory is what Safar's own code, content and load cost.

    PYTHONPATH=. .venv/bin/python scripts/bench_load.py [--users 200] [--steps 25] [--stored 10000]
"""

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from scripts.sampled_profile import Sampler, shares

if TYPE_CHECKING:
    from tests.support.zygote import BotProcess

TOKEN = "7000001:AAE-benchmarkToken_0123456789abcdefghij"
BOT_ID = 7000001
PROJECT = Path(__file__).resolve().parents[1]
TYPED = ["паспорт", "agency", "пул", "patent", "help", "шартнома", "qarz", "hello"]


@dataclass
class Chat:
    """What one simulated user's phone shows, and the answer it is waiting for."""

    message_id: int = 0
    buttons: list[str] = field(default_factory=list)
    waiting: asyncio.Future[float] | None = None


class LightTelegram:
    """Just enough Bot API for both bots, cheap enough not to be what is measured."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.arrived = asyncio.Event()
        self.polled = asyncio.Event()
        """Set at the bot's first getUpdates: it has started."""
        self.closing = False
        self.chats: dict[int, Chat] = {}
        self.next_message_id = 1
        self.runner: web.AppRunner | None = None
        self.base_url = ""
        self.kinds: Counter[str] = Counter()
        """What the users sent, measured part only: a button's data prefix, "typed" or "/menu"."""
        self.calls: Counter[str] = Counter()
        """Bot API methods the bot called, by name."""
        self.handed_out = 0
        """Updates getUpdates returned, counting each time one was returned again."""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def push(self, chat_id: int, payload: dict[str, Any]) -> asyncio.Future[float]:
        chat = self.chats.setdefault(chat_id, Chat())
        chat.waiting = asyncio.get_running_loop().create_future()
        self.updates.append({"update_id": self.next_update_id, **payload})
        self.next_update_id += 1
        self.arrived.set()
        return chat.waiting

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls[method] += 1
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            params = dict(await request.post())
        if method == "getUpdates":
            self.polled.set()
            result: Any = await self.get_updates(params)
        elif method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            result = self.message(params)
        elif method == "getMe":
            result = {"id": BOT_ID, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and not self.closing:
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), float(params.get("timeout") or 0) or 0.01)
            except TimeoutError:
                return []
        batch = self.updates[: int(params.get("limit") or 100)]
        self.handed_out += len(batch)
        return batch

    def message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = self.chats.setdefault(chat_id, Chat())
        if "message_id" in params:
            message_id = int(params["message_id"])
        else:
            message_id = self.next_message_id
            self.next_message_id += 1
        markup = params.get("reply_markup") or {}
        markup = json.loads(markup) if isinstance(markup, str) else markup
        chat.message_id = message_id
        chat.buttons = [
            b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b
        ]
        if chat.waiting is not None and not chat.waiting.done():
            chat.waiting.set_result(time.perf_counter())
        return {
            "message_id": message_id, "date": 0, "text": str(params.get("text", "")),
            "chat": {"id": chat_id, "type": "private"},
        }  # fmt: skip


def user_json(user_id: int, language: str) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "U", "language_code": language}


def text_update(user_id: int, text: str, language: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1, "date": int(time.time()), "chat": {"id": user_id, "type": "private"},
        "from": user_json(user_id, language), "text": text,
    }  # fmt: skip
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": message}


def press_update(user_id: int, chat: Chat, data: str, language: str, query: int) -> dict[str, Any]:
    return {"callback_query": {
        "id": f"{user_id}-{query}", "from": user_json(user_id, language), "chat_instance": str(user_id), "data": data,
        "message": {"message_id": chat.message_id, "date": 0, "chat": {"id": user_id, "type": "private"}, "text": "."},
    }}  # fmt: skip


def kind_of(payload: dict[str, Any]) -> str:
    """A button press by its data's prefix (which router answers it), typed words, or a command."""
    if "callback_query" in payload:
        return str(payload["callback_query"]["data"]).split(":")[0] + ":"
    text = str(payload["message"]["text"])
    return text if text.startswith("/") else "typed"


async def one_user(
    telegram: LightTelegram, user_id: int, steps: int, latencies: list[float], rng: random.Random
) -> None:
    language = rng.choice(["tg", "ru", "uz", "en"])
    chat = telegram.chats.setdefault(user_id, Chat())
    for step in range(steps):
        nav = [b for b in chat.buttons if b.startswith("n:")]
        content = [b for b in chat.buttons if not b.startswith("n:")]
        if not chat.buttons or rng.random() < 0.05:
            payload = text_update(user_id, "/menu" if rng.random() < 0.5 else rng.choice(TYPED), language)
        else:
            data = rng.choice(nav) if nav and (not content or rng.random() < 0.2) else rng.choice(content)
            payload = press_update(user_id, chat, data, language, step)
        telegram.kinds[kind_of(payload)] += 1
        started = time.perf_counter()
        try:
            answered = await asyncio.wait_for(telegram.push(user_id, payload), 30)
        except TimeoutError:
            latencies.append(float("inf"))
            continue
        latencies.append(answered - started)


CORES = sorted(os.sched_getaffinity(0))
"""The cores this run may use, read before `pin` narrows the driver (whose children inherit it)."""


def pin(bot_pid: int) -> None:
    """On two or more cores, the bot under test gets a core of its own and this driver another,
    so neither measurement depends on how the scheduler mixes them."""
    if len(CORES) >= 2:
        os.sched_setaffinity(0, {CORES[0]})
        os.sched_setaffinity(bot_pid, {CORES[1]})


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int, field: str = "VmHWM") -> float:
    """A process's peak (VmHWM) or present (VmRSS) resident memory, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def mapped_libraries(pid: int) -> set[str]:
    """The compiled extensions and shared libraries a process has mapped, by file name: whether a
    lazily loaded one (cryptography's OpenSSL, for instance) was loaded by the load."""
    names = {line.split()[-1].rsplit("/", 1)[-1] for line in Path(f"/proc/{pid}/maps").read_text().splitlines()}
    return {name for name in names if ".so" in name}


def peak_memory_mb(pid: int) -> float:
    return memory_mb(pid, "VmHWM")


def load_average() -> str:
    """The machine's 1-, 5- and 15-minute load averages: on a shared machine, what the figures are worth."""
    return ", ".join(f"{load:.1f}" for load in os.getloadavg())


async def prefill(db_path: Path, key: str, users: int) -> None:
    """`users` users who chose a language and stopped somewhere in a lesson, as Safar stores them."""
    from bot.privacy.pseudonyms import Pseudonymizer
    from bot.storage.backends.sqlite import open_database

    connection = await open_database(db_path)
    try:
        await _prefill(connection, Pseudonymizer(key.encode()), users)
    finally:
        await connection.close()


async def _prefill(connection: Any, pseudonyms: Any, users: int) -> None:
    from aiogram.fsm.storage.base import StorageKey

    from bot.handlers.conversation import durable_part
    from bot.services.lesson_engine import Conversation
    from bot.storage.stores.conversations import DatabaseFSMStorage

    storage = DatabaseFSMStorage(connection, pseudonyms, durable_part)
    async with connection.transaction():
        for user_id in range(1, users + 1):
            user_key = pseudonyms.user_key(user_id)
            await connection.execute(
                "INSERT OR REPLACE INTO user_settings (user_key, language) VALUES (?, ?)",
                (user_key, ["tg", "ru", "uz", "en"][user_id % 4]),
            )
            position = {"lesson": "red_flags", "node": "wages"}
            data = Conversation.from_data({"position": position, "history": [{"lesson": "main", "node": "menu"}]})
            storage_key = StorageKey(bot_id=BOT_ID, chat_id=user_id, user_id=user_id)
            keys = storage._keys(storage_key)
            await connection.execute(
                "INSERT OR REPLACE INTO fsm_state (storage_key, user_key, data) VALUES (?, ?, ?)",
                (keys[0], keys[1], json.dumps({"conversation": data.to_data()})),
            )


def restore(stored_state: Path, db_path: Path) -> None:
    """The database as `prefill` left it, with no write-ahead log of an earlier round beside it."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(stored_state, db_path)


def collections(gc_times: Path) -> dict[str, Any]:
    """The bot's garbage collections so far, as scripts/gc_timed.py last wrote them (first as the
    bot starts, so before it polls)."""
    return dict(json.loads(gc_times.read_text()))


def collections_between(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[int, float, int]]:
    """Per generation: collections, CPU seconds and objects collected between two readings."""
    return [
        (int(a[0] - b[0]), a[1] - b[1], int(a[2] - b[2]))
        for b, a in zip(before["generations"], after["generations"], strict=True)
    ]


async def start_bot_process(
    command: list[str], env: dict[str, str], profiler: list[str] | None = None
) -> "asyncio.subprocess.Process | BotProcess":
    """`python [PROFILER] scripts/gc_timed.py COMMAND`, started cold as a measurement needs. When
    this script is itself a fork of the tests' zygote (tests/test_benchmark_scripts.py runs it end
    to end at a small size, and asserts no figure), the bot is a fork of the same zygote instead:
    the same entry point and code, without importing aiogram and the bot again (~10 CPU-seconds
    per bot, two or four bots per run)."""
    zygote = sys.modules.get("tests.support.zygote")
    if profiler or zygote is None or getattr(zygote, "_INHERITED", None) is None:
        return await asyncio.create_subprocess_exec(
            sys.executable, *(profiler or []), "scripts/gc_timed.py", *command, cwd=PROJECT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
    from tests.support.zygote import start_bot

    return await start_bot(
        command, script="scripts/gc_timed.py", cwd=PROJECT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def measure(
    command: list[str],
    env: dict[str, str],
    users: int,
    steps: int,
    seed: int,
    gc_times: Path,
    sampled: Path | None = None,
    profiler: list[str] | None = None,
) -> dict[str, Any]:
    """`command`: the bot, as arguments of scripts/gc_timed.py (`-m bot`, or a script's path);
    `gc_times`: a file of its own for gc_timed.py's figures; `profiler`: options of the interpreter
    that runs it (cProfile's)."""
    telegram = LightTelegram()
    await telegram.start()
    process = await start_bot_process(
        command, env | {"BOT_API_BASE_URL": telegram.base_url, "GC_TIMES": str(gc_times)}, profiler
    )
    pin(process.pid)
    try:
        rng = random.Random(seed)
        await telegram.polled.wait()  # started: content loaded, database open, polling
        phases = {"started": (memory_mb(process.pid, "VmRSS"), peak_memory_mb(process.pid))}
        warm: list[float] = []
        # Every user opens the bot first (not measured): Safar shows the language picker, then the menu.
        await asyncio.gather(*(one_user(telegram, uid, 2, warm, random.Random(uid)) for uid in range(1, users + 1)))
        latencies: list[float] = []
        phases["warmed up"] = (memory_mb(process.pid, "VmRSS"), peak_memory_mb(process.pid))
        telegram.kinds.clear()
        telegram.calls.clear()
        telegram.handed_out = 0
        sampler = Sampler(process.pid, sampled) if sampled else None
        if sampler is not None:
            await sampler.start()
        started, cpu_before, gc_before = time.perf_counter(), cpu_seconds(process.pid), collections(gc_times)
        await asyncio.gather(
            *(one_user(telegram, uid, steps, latencies, random.Random(rng.random())) for uid in range(1, users + 1))
        )
        elapsed = time.perf_counter() - started
        cpu_used = cpu_seconds(process.pid) - cpu_before
        collected = collections_between(gc_before, collections(gc_times))
        layers = await sampler.stop() if sampler is not None else Counter()
        busy = cpu_used / elapsed
        memory = peak_memory_mb(process.pid)
        phases["after the load"] = (memory_mb(process.pid, "VmRSS"), memory)
        libraries = mapped_libraries(process.pid)
    finally:
        telegram.closing = True  # a bot waiting in a long poll gets its answer and can stop at once
        telegram.arrived.set()
        process.terminate()
        _, stderr = await process.communicate()
        await telegram.stop()
    errors = [line for line in stderr.decode().splitlines() if "Traceback" in line or " ERROR " in line]
    for line in errors[:3]:  # the count alone does not say what to look at (logs hold no user's data)
        print(f"bot error: {line}", file=sys.stderr)
    answered = sorted(x for x in latencies if x != float("inf"))
    return {
        "updates_per_second": len(answered) / elapsed,
        "p50_ms": 1000 * statistics.median(answered),
        "p99_ms": 1000 * answered[int(0.99 * (len(answered) - 1))],
        "peak_mb": memory,
        "cpu_percent": 100 * busy,
        "cpu_ms_per_update": 1000 * cpu_used / max(len(answered), 1),
        "unanswered": len(latencies) - len(answered),
        "errors": len(errors),
        "kinds": telegram.kinds,
        "calls": telegram.calls,
        "phases": phases,
        "handed_out": telegram.handed_out,
        "libraries": libraries,
        "layers": layers,
        "collections": collected,
    }


async def main(
    users: int,
    steps: int,
    stored: int,
    seed: int,
    rounds: int,
    profile: str | None,
    sample: str | None,
    repeat: bool,
    baseline_on_demand: bool = False,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DB_", "WEBHOOK_", "ADMIN_", "FLOOD_"))}
    env |= {"PYTHONPATH": str(PROJECT), "BOT_TOKEN": TOKEN, "LOG_LEVEL": "WARNING"}
    baseline_env = env | {"BASELINE_MODELS_ON_DEMAND": "1"} if baseline_on_demand else env
    baselines, safars = [], []
    load_before = load_average()
    with tempfile.TemporaryDirectory() as folder:
        db_path, key = Path(folder) / "safar.sqlite3", secrets.token_hex(32)
        stored_state = Path(folder) / "stored.sqlite3"
        await prefill(stored_state, key, stored)
        # Simulated users tap far faster than people: the per-user flood limit would refuse them.
        safar_env = env | {"DB_PATH": str(db_path), "PSEUDONYM_KEY": key, "FLOOD_UPDATES_PER_SECOND": "1000"}
        profiler = ["-m", "cProfile", "-o", profile] if profile else []
        for round_number in range(rounds):  # alternated, so a slow moment of the machine hits both
            round_seed = seed if repeat else seed + round_number
            sampled = Path(sample) / f"safar-round-{round_number + 1}.txt" if sample else None
            # Both bots get the same users in a round, and every Safar round starts from the same
            # stored state: a round used to inherit the last one's writes (places in lessons,
            # passport countries, flags, events), so its workload drifted from round to round.
            baselines.append(
                await measure(
                    ["scripts/baseline_bot.py"],
                    baseline_env,
                    users,
                    steps,
                    round_seed,
                    Path(folder) / f"gc-{round_number}.json",
                )
            )
            restore(stored_state, db_path)
            keys = {"KEY_DIR": str(Path(folder) / f"keys-{round_number}")}  # a new database's first start
            safars.append(
                await measure(
                    ["-m", "bot"],
                    safar_env | keys,
                    users,
                    steps,
                    round_seed,
                    Path(folder) / f"gc-safar-{round_number}.json",
                    sampled,
                    profiler,
                )
            )
    print(f"K = {users} users × {steps} steps, {rounds} alternated round(s); Safar with {stored:,} users' state stored")
    print(f"load average at the start {load_before}, at the end {load_average()}")
    if baseline_on_demand:
        print("the baseline builds aiogram's Telegram models on first use, as Safar does (--baseline-on-demand)")
    print(
        f"{'':10} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'peak MB':>8} {'CPU %':>6} {'CPU ms/upd':>10} "
        f"{'unanswered':>10} {'errors':>6}"
    )
    for number, (baseline, safar) in enumerate(zip(baselines, safars, strict=True), 1):
        for name, row in ((f"baseline {number}", baseline), (f"Safar {number}", safar)):
            print(
                f"{name:10} {row['updates_per_second']:10.0f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
                f"{row['peak_mb']:8.1f} {row['cpu_percent']:6.0f} {row['cpu_ms_per_update']:10.2f} "
                f"{row['unanswered']:10.0f} {row['errors']:6.0f}"
            )
    ratios = [s["updates_per_second"] / b["updates_per_second"] for b, s in zip(baselines, safars, strict=True)]
    costs = [s["cpu_ms_per_update"] / b["cpu_ms_per_update"] for b, s in zip(baselines, safars, strict=True)]
    extra = max(s["peak_mb"] for s in safars) - max(b["peak_mb"] for b in baselines)
    print(f"throughput ratio Safar/baseline, median of rounds: {statistics.median(ratios):.2f} (goal ≥ 0.90)")
    # On a shared machine the throughput ratio measures how much of its core each bot got (CPU %);
    # the CPU each update cost its bot depends far less on the neighbours.
    print(f"CPU per update Safar/baseline, median of rounds: {statistics.median(costs):.2f}")
    print(f"extra peak memory: {extra:+.1f} MB (goal ≤ 30 MB)")
    print_phases(baselines, safars)
    print_collections(baselines, safars)
    # Safar's polling confirms an update only once handled, so getUpdates hands out again the ones still under way.
    fetched = [
        f"{r['handed_out'] / max(sum(r['kinds'].values()), 1):.2f}"
        for pair in zip(baselines, safars, strict=True)
        for r in pair
    ]
    print("updates getUpdates handed out per update sent, baseline and Safar by round: " + ", ".join(fetched))
    if sample:
        print_layers(safars, sample)
    for number, safar in enumerate(safars, 1):
        extra = sorted(safar["libraries"] - set().union(*(b["libraries"] for b in baselines)))
        print(f"Safar {number} mapped beyond the baseline: {', '.join(extra)}")
    for number, safar in enumerate(safars, 1):
        print_workload(safar, number)
    if profile:
        import pstats

        print(f"\nSafar ran under cProfile (slower; figures above are not comparable). Top of {profile}:")
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


def print_phases(baselines: list[dict[str, Any]], safars: list[dict[str, Any]]) -> None:
    """Resident memory (VmRSS, and the peak so far) once polling started, after the warm-up and after
    the measured load, per round: where the extra memory comes from."""
    print("resident memory MB (VmRSS / peak so far): " + ", ".join(safars[0]["phases"]))
    for number, (baseline, safar) in enumerate(zip(baselines, safars, strict=True), 1):
        for name, row in ((f"baseline {number}", baseline), (f"Safar {number}", safar)):
            print(f"{name:10} " + "   ".join(f"{rss:6.1f} / {peak:6.1f}" for rss, peak in row["phases"].values()))


def print_collections(baselines: list[dict[str, Any]], safars: list[dict[str, Any]]) -> None:
    """Each bot's garbage collections during the measured load (scripts/gc_timed.py): CPU per update
    they took, how many ran and what they found, by generation."""
    print("garbage collection during the load: CPU ms per update (collections by generation 0/1/2, objects collected)")
    for number, (baseline, safar) in enumerate(zip(baselines, safars, strict=True), 1):
        for name, row in ((f"baseline {number}", baseline), (f"Safar {number}", safar)):
            generations = row["collections"]
            sent = max(sum(row["kinds"].values()), 1)
            took = 1000 * sum(seconds for _, seconds, _ in generations) / sent
            counts = "/".join(str(count) for count, _, _ in generations)
            found = sum(collected for _, _, collected in generations)
            print(f"{name:10} {took:6.3f} ms ({counts}, {found:,} collected)")


def print_layers(safars: list[dict[str, Any]], folder: str) -> None:
    """Safar's CPU per update by layer in each round, from py-spy's samples of the measured load
    (scripts/sampled_profile.py; the stacks are in `folder`): what a slower round spent more on."""
    rows = [{name: share * safar["cpu_ms_per_update"] for name, share in shares(safar["layers"])} for safar in safars]
    names = sorted({name for row in rows for name in row}, key=lambda name: -rows[0].get(name, 0.0))
    print(f"Safar's CPU ms per update by layer, each round (py-spy, stacks in {folder}):")
    print(f"{'':58} " + " ".join(f"{f'round {n}':>8}" for n in range(1, len(rows) + 1)))
    for name in names:
        print(f"{name[:58]:58} " + " ".join(f"{row.get(name, 0.0):8.2f}" for row in rows))


def print_workload(row: dict[str, Any], number: int) -> None:
    """What Safar was asked in a round: the mix of updates and the Bot API calls per update, so
    rounds and runs of other workloads can be compared with each other."""
    kinds: Counter[str] = row["kinds"]
    calls: Counter[str] = row["calls"]
    sent = max(sum(kinds.values()), 1)
    print(
        f"Safar's workload, round {number}: " + ", ".join(f"{k} {100 * n / sent:.1f}%" for k, n in kinds.most_common())
    )
    calls.pop("getUpdates", None)
    print("  Bot API calls per update: " + ", ".join(f"{k} {n / sent:.2f}" for k, n in calls.most_common()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", metavar="FILE", help="run Safar under cProfile and print where time goes")
    parser.add_argument(
        "--sample", metavar="FOLDER", help="sample Safar's measured load with py-spy: CPU per update by layer per round"
    )
    parser.add_argument(
        "--repeat", action="store_true", help="every round with the same users and taps (--seed), not seed + round"
    )
    parser.add_argument(
        "--baseline-on-demand",
        action="store_true",
        help="the baseline builds aiogram's models on first use too, as Safar does: Safar's own extra memory",
    )
    a = parser.parse_args()
    if a.sample:
        Path(a.sample).mkdir(parents=True, exist_ok=True)
    asyncio.run(main(a.users, a.steps, a.stored, a.seed, a.rounds, a.profile, a.sample, a.repeat, a.baseline_on_demand))
