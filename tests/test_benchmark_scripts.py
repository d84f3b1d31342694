"""The load benchmark still runs end to end, so its figures can be reproduced (no timing asserted)."""

import asyncio
import re
import sys
from pathlib import Path

from tests.processes import PROJECT, environment


async def test_the_load_benchmark_answers_every_update_of_both_bots(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "scripts/bench_load.py", "--users", "6", "--steps", "4", "--stored", "50", "--rounds", "1",
        cwd=PROJECT, env=environment(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    text = output.decode()
    assert process.returncode == 0, text
    rows = re.findall(r"^(baseline|Safar) 1 +(\S+) .* (\d+) +(\d+)$", text, re.MULTILINE)
    assert [(name, unanswered, errors) for name, _, unanswered, errors in rows] == [
        ("baseline", "0", "0"),
        ("Safar", "0", "0"),
    ], text
    assert all(float(rate) > 0 for _, rate, _, _ in rows)
    assert "throughput ratio Safar/baseline" in text and "extra peak memory" in text


async def test_the_agency_benchmark_compares_lookups_and_report_grouping(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "scripts/bench_agency.py", "--agencies", "300", "--queries", "40", "--reported", "200",
        "--reports", "10", cwd=PROJECT, env=environment(tmp_path), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    text = output.decode()
    assert process.returncode == 0, text
    assert "grouping a report among 200 reported names; 10 reports" in text
    assert re.search(r"ratio \(difflib / rapidfuzz\): median ×\d+, p99 ×\d+; same group chosen for \d+%", text), text
