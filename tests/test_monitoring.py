"""An operator watching the bot: /healthz says whether it works, /metrics what it does, and
neither ever shows who the users are or what they typed."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.observability.liveness import Monitor
from bot.privacy.secret_keys import ChatCipher
from bot.storage.backends.sqlite import open_database
from bot.storage.stores.broadcasts import BroadcastStore
from bot.storage.stores.reminders import ReminderStore
from tests.support.clock import ManualClock
from tests.support.fake_telegram import BadRequest, FakeTelegram
from tests.support.journeys import start_in
from tests.support.processes import free_port
from tests.support.running import RunningBot
from tests.support.waiting import eventually

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # noon in Moscow
USER_ID = 93457821
TYPED = "Паспорт у меня забрали"


@pytest.fixture
async def watched(settings: Settings) -> AsyncIterator[RunningBot]:
    settings.metrics_port = free_port()
    settings.reminder_check_seconds = 0.1
    running = RunningBot(settings, ManualClock(NOW))
    await running.start()
    yield running
    await running.stop()


async def get(settings: Settings, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{settings.metrics_port}{path}") as response,
    ):
        return response.status, await response.text()


def value(metrics: str, sample: str) -> float:
    """The value of one sample line, e.g. 'safar_updates_total{kind="message"}'; 0 when absent."""
    found = re.search(rf"^{re.escape(sample)} (\S+)$", metrics, re.MULTILINE)
    return float(found[1]) if found else 0.0


@pytest.mark.both_backends
async def test_metrics_count_what_the_bot_does_and_show_no_user(
    telegram: FakeTelegram, watched: RunningBot, settings: Settings
) -> None:
    _, before = await get(settings, "/metrics")
    user = telegram.user(USER_ID, "ru")
    await start_in(user, "Русский")
    telegram.fail_next("sendMessage", BadRequest("Too Many Requests: retry after 1", 429, retry_after=1))
    await user.send(TYPED)
    await user.reply(within=15)  # the flood wait is waited out, then the answer comes
    store = ReminderStore(watched.app.database, watched.app.cipher)
    await store.opt_in("someone", 4242, "Europe/Moscow", "ru")
    await store.add("someone", "expiry", "x", NOW - timedelta(minutes=1), {"date": "01.06.2027"})
    await telegram.delivered_to({4242})  # the reminder

    async def reminder_recorded() -> bool:  # the dispatcher counts it once Telegram took it
        return 'safar_reminders_total{outcome="sent"}' in (await get(settings, "/metrics"))[1]

    await eventually(reminder_recorded, what="the reminder's count")
    status, after = await get(settings, "/metrics")
    assert status == 200

    def grew(sample: str) -> float:
        return value(after, sample) - value(before, sample)

    assert grew('safar_updates_total{kind="message"}') == 2  # /start and the typed question
    assert grew('safar_updates_total{kind="callback_query"}') == 1  # the language button
    assert grew('safar_handler_seconds_count{kind="message"}') == 2
    assert grew('safar_bot_api_errors_total{code="429",method="sendMessage"}') == 1
    assert grew("safar_bot_api_flood_waits_total") == 1
    assert grew("safar_bot_api_flood_wait_seconds_total") == 1
    assert grew('safar_reminders_total{outcome="due"}') == 1
    assert grew('safar_reminders_total{outcome="sent"}') == 1
    assert value(after, "safar_database_bytes") > 0
    assert 'safar_broadcast_recipients{state="pending"}' in after
    names_and_labels = "\n".join(line.rsplit(" ", 1)[0] for line in after.splitlines())  # not the values:
    # a timestamp's digits (1.7653457821e+09) may contain an id's by chance
    assert str(USER_ID) not in names_and_labels and "4242" not in names_and_labels and "Паспорт" not in after
    for labels in re.findall(r"\{([^}]*)\}", after):
        assert not re.search(r'="-?\d{4,}"', labels), f"an id in a label: {labels}"


async def test_healthz_follows_the_update_loop(telegram: FakeTelegram, watched: RunningBot, settings: Settings) -> None:
    assert await get(settings, "/healthz") == (200, "ok\n")
    # Polling runs with a 1 s long-poll timeout in tests: silence beyond 2 s is an outage. It lasts
    # until /healthz has shown it (at most a minute, for a loaded machine's late polling), then ends.
    telegram.start_outage("timeout", 60, frozenset({"getUpdates"}))
    answers: list[tuple[int, str]] = []

    async def health_is(status: int) -> bool:
        answers.append(await get(settings, "/healthz"))
        return answers[-1][0] == status

    await eventually(lambda: health_is(503), 60, what="the outage seen on /healthz")
    assert answers[-1][1].startswith("unhealthy: no getUpdates returned for"), answers[-1]
    telegram.end_outage()
    await eventually(lambda: health_is(200), 30, what="healthy again once the outage ended and polling returned")
    assert answers[-1] == (200, "ok\n")


async def test_a_database_that_does_not_answer_is_unhealthy(tmp_path: Path) -> None:
    database = await open_database(tmp_path / "safar.sqlite3")
    monitor = Monitor(
        database, BroadcastStore(database, ChatCipher(bytes(32))), tmp_path / "safar.sqlite3", heartbeat=None
    )
    assert await monitor.problem() is None
    await database.close()
    assert await monitor.problem() == "the database does not answer"
