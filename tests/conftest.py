"""Fixtures: a fake Bot API on loopback, and the real bot (tests/support/running.py) polling it.
Helpers live in tests/support/: test modules import them from there, not from here."""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from tests.support import content_cache
from tests.support.clock import ManualClock
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.redis_server import redis_server, redis_url  # noqa: F401 (fixtures for the REDIS_URL tests)
from tests.support.running import STAFF_ID, RunningBot

pytest_plugins = (
    "tests.support.postgres_server",  # PostgreSQL: the server, fresh databases, `both_backends`
    *(("tests.support.cpu_time",) if os.environ.get("SAFAR_TEST_CPU_TIMES") else ()),  # where the CPU goes
)


@pytest.fixture(scope="session", autouse=True)
def content_read_once_per_worker() -> Iterator[None]:
    """The real content, read once per content state in each worker (tests/support/content_cache.py)."""
    undo = content_cache.install()
    yield
    undo()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()
    assert fake.protocol_errors == [], "the bot broke Telegram's rules"
    unanswered = [query for query, event in fake.open_queries.items() if not event.is_set()]
    assert unanswered == [], "callback queries left unanswered (the user sees a spinner)"
    unanswered_inline = [query for query, event in fake.open_inline.items() if not event.is_set()]
    assert unanswered_inline == [], "inline queries left unanswered"


@pytest.fixture
def settings(tmp_path: Path, telegram: FakeTelegram, database_url: str | None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token=SecretStr(TOKEN),
        bot_api_base_url=telegram.base_url,
        db_path=tmp_path / "data" / "safar.sqlite3",
        database_url=SecretStr(database_url) if database_url else None,
        key_dir=tmp_path / "keys",
        # Scripted users tap far faster than people; tests/test_flood.py checks the real limit.
        flood_updates_per_second=1000.0,
        flood_burst=1000,
    )


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[RunningBot]:
    running = RunningBot(settings)
    await running.start()
    yield running
    await running.stop()


AGENCY_LIST = Path(__file__).parent / "fixtures" / "agencies.yaml"
"""A small licensed-agency list: with a list loaded, /agency and the report's agency step look names up."""


@pytest.fixture
async def bot_with_registry(settings: Settings) -> AsyncIterator[RunningBot]:
    settings.agency_registry_path = AGENCY_LIST
    running = RunningBot(settings)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def reminding_bot(settings: Settings, clock: ManualClock) -> AsyncIterator[RunningBot]:
    """The bot checking for due reminders every tenth of a second, on the module's own `clock`."""
    settings.reminder_check_seconds = 0.1
    running = RunningBot(settings, clock)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def staffed_bot(settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot with STAFF_ID among its staff."""
    settings.admin_ids = frozenset({STAFF_ID})
    running = RunningBot(settings)
    await running.start()
    yield running
    await running.stop()


LONGEST_FIRST = (
    "test_cluster.py", "test_benchmark_scripts.py", "test_default_setup_imports.py", "test_shared_send_rate.py",
    "test_contact_health.py", "test_editor_preview.py", "test_redis_workers.py", "test_backup.py",
)  # fmt: skip
"""Modules whose tests take longest (several processes, cold interpreters, a browser): started
first, so neither xdist worker is left with one of them while the other has nothing to do."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return LONGEST_FIRST.index(item.path.name) if item.path.name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the order within each module stays as written


SKIPPED_ON_CI: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """On CI (CI=true) every test must run: a skipped one is collected here and fails the run."""
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        SKIPPED_ON_CI.append(report.nodeid)
    if report.when == "call":
        MEASURED.extend((report.nodeid, str(value)) for name, value in report.user_properties if name == "measured")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if SKIPPED_ON_CI and session.exitstatus == 0:
        print(f"\nCI=true and {len(SKIPPED_ON_CI)} test(s) were skipped: {', '.join(SKIPPED_ON_CI)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


MEASURED: list[tuple[str, str]] = []
"""(test, line) a test recorded with `record_property("measured", line)`: printed at the end of the run."""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """What end-to-end tests measured (tests/test_cluster.py: updates, duplicates at kills, the
    busiest second), shown with xdist too, where a passing test's prints are not."""
    for test, line in MEASURED:
        terminalreporter.write_line(f"{test}: {line}")
