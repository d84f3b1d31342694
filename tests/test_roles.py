"""Several processes on one bot token: start-up refuses, in one line, the layouts that cannot
work; a second long-polling process says so and stops instead of fighting the first over 409s; and
a webhook worker killed in the middle of an update loses nothing (Telegram sends it again).

The process that polls first (and the one that takes over after it) is the bot started in the
test's process, as `python -m bot` starts it; the second, whose exit and words are the point, is a
real `python -m bot`."""

import asyncio
import logging
import secrets
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.runtime.polling_conflicts import ANOTHER_CONSUMER
from bot.runtime.single_poller import HELD_ELSEWHERE
from bot.runtime.webhook import WEBHOOK_PATH
from tests.support.fake_telegram import TOKEN, BadRequest, FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS
from tests.support.processes import free_port, run_to_end, running, stop
from tests.support.running import RunningBot
from tests.support.waiting import eventually

BASE = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": "http://127.0.0.1:9", "LOG_LEVEL": "WARNING"}
POSTGRES = "postgresql://safar@127.0.0.1:5432/safar"
REDIS = "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"SAFAR_ROLE": "web", "WEBHOOK_URL": "https://bot.example.org", "WEBHOOK_SECRET": "s"},
         "SAFAR_ROLE=web runs beside other Safar processes, but the SQLite file belongs to one process: set DATABASE_URL"),
        ({"SAFAR_ROLE": "scheduler", "METRICS_PORT": "9100"},
         "SAFAR_ROLE=scheduler runs beside other Safar processes, but the SQLite file belongs to one process"),
        ({"SAFAR_ROLE": "web", "DATABASE_URL": POSTGRES, "WEBHOOK_URL": "https://bot.example.org",
          "WEBHOOK_SECRET": "s"}, "SAFAR_ROLE=web needs REDIS_URL"),
        ({"SAFAR_ROLE": "web", "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS},
         "SAFAR_ROLE=web serves Telegram's webhook: set WEBHOOK_URL and WEBHOOK_SECRET."),
        ({"SAFAR_ROLE": "scheduler", "DATABASE_URL": POSTGRES, "REDIS_URL": REDIS},
         "SAFAR_ROLE=scheduler serves /healthz and /metrics on METRICS_PORT"),
        ({"SAFAR_ROLE": "worker"}, "setting SAFAR_ROLE: Input should be 'all', 'web' or 'scheduler'"),
    ],
)  # fmt: skip
async def test_a_layout_that_cannot_work_is_refused_in_one_line(
    tmp_path: Path, settings: dict[str, str], expected: str
) -> None:
    code, stderr = await run_to_end(tmp_path, **BASE, **settings)
    assert code == 2
    assert stderr.startswith(f"safar: {expected}"), stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert not (tmp_path / "data").exists(), "refused before anything was opened"


async def test_a_second_polling_process_says_so_and_exits_and_the_first_keeps_answering(
    tmp_path: Path, telegram: FakeTelegram, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    user = telegram.user(user_id=4101, language_code="en")
    second = tmp_path / "second"  # its own data: no database lock between them
    second.mkdir()
    polling = RunningBot(settings)
    await polling.start()
    try:
        await user.send("/start")
        await user.reply(within=120)
        code, stderr = await run_to_end(second, within=180, **(BASE | {"BOT_API_BASE_URL": telegram.base_url}))
        assert code == 2, stderr
        assert stderr == f"safar: {ANOTHER_CONSUMER}\n"
        await user.send("/sos")
        await user.reply(within=120)  # the first process still answers
    finally:
        await polling.stop()
    said = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert not any(record.exc_info for record in caplog.records), "no traceback"
    assert not any("Failed to fetch updates" in line for line in said), said
    assert (
        sum("another process polled with this bot's token (409 Conflict); polling on here" in line for line in said)
        == 1
    )


async def test_with_redis_a_second_polling_process_stops_at_the_lock_before_touching_telegram(
    tmp_path: Path, telegram: FakeTelegram, settings: Settings, redis_url: str
) -> None:
    polling = settings.model_copy(update={"redis_url": SecretStr(redis_url)})
    await second_polling_process_stops_at_the_lock(tmp_path, telegram, "Redis", polling, {"REDIS_URL": redis_url})


async def test_with_postgresql_alone_a_second_polling_process_stops_at_its_advisory_lock(
    tmp_path: Path, telegram: FakeTelegram, settings: Settings, postgres_url: str
) -> None:
    shared = {"DATABASE_URL": postgres_url, "PSEUDONYM_KEY": secrets.token_hex(32), "DELIVERY_KEY": "ab" * 32}
    polling = settings.model_copy(
        update={name.lower(): SecretStr(value) for name, value in shared.items()}
    )  # the same database and keys as the second process
    await second_polling_process_stops_at_the_lock(tmp_path, telegram, "PostgreSQL", polling, shared)


async def second_polling_process_stops_at_the_lock(
    tmp_path: Path, telegram: FakeTelegram, store: str, settings: Settings, shared: dict[str, str]
) -> None:
    user = telegram.user(user_id=4151, language_code="en")
    second = tmp_path / "second"
    second.mkdir()
    polling = RunningBot(settings)
    await polling.start()
    try:
        await user.send("/start")
        await user.reply(within=120)
        calls_before = len(telegram.calls)
        code, stderr = await run_to_end(second, within=180, **(BASE | {"BOT_API_BASE_URL": telegram.base_url} | shared))
        assert (code, stderr) == (2, f"safar: {HELD_ELSEWHERE.format(store=store)}\n")
        newcomer = [method for method, _ in telegram.calls[calls_before:] if method != "getUpdates"]
        assert newcomer == ["getMe"], "it stopped before the webhook, the commands or any update"
        assert "409" not in stderr
    finally:
        await polling.stop()
    successor = RunningBot(settings.model_copy(update={"db_path": tmp_path / "third" / "safar.sqlite3"}))
    await successor.start()  # the lock was released: a new process takes over
    try:
        await user.send("/sos")
        await user.reply(within=120)
    finally:
        await successor.stop()


async def test_a_webhook_worker_killed_while_handling_an_update_gets_it_again_after_restart(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    port = free_port()
    settings = BASE | {
        "BOT_API_BASE_URL": telegram.base_url, "WEBHOOK_URL": f"http://127.0.0.1:{port}", "WEBHOOK_SECRET": "s3cret",
        "WEBHOOK_PORT": str(port),
    }  # fmt: skip
    user = telegram.user(user_id=4201, language_code="en")
    async with running(tmp_path, **settings) as worker:

        def kill_while_answering(method: str, params: dict[str, object]) -> None:
            if method == "sendMessage" and str(params["chat_id"]) == str(user.id):
                worker.kill()  # SIGKILL with the reply under way: the webhook call was never answered
                raise BadRequest("Internal Server Error", 500)

        telegram.before_call = kill_while_answering
        await eventually(lambda: telegram.webhook is not None, within=120)
        await user.send("/start")
        await asyncio.wait_for(worker.wait(), 30)
    telegram.before_call = None
    update_id = max(telegram.handed)
    assert telegram.webhook_confirmed()[update_id] == 0, "no 200 for the update the worker died in"
    assert telegram.webhook[0] == f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    async with running(tmp_path, **settings) as worker:
        picker = await user.reply(within=120)
        assert f"✅ {LANGUAGE_LABELS['en']}" in picker.labels(), "the user gets the reply from the restarted worker"
        await eventually(lambda: telegram.webhook_confirmed()[update_id] == 1, within=120)
        await stop(worker)
    attempts = [status for _, update, status in telegram.webhook_attempts if update == update_id]
    assert attempts[0] != 200 and attempts[-1] == 200 and attempts.count(200) == 1, attempts
