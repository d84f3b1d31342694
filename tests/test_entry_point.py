"""`python -m bot` as an operator runs it: clear one-line errors, polling, webhook, clean stop."""

import json
from pathlib import Path
from subprocess import PIPE

import aiohttp

from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.support.processes import environment, free_port, run_to_end, running, stop
from tests.support.waiting import LOADED_MACHINE, eventually
from tests.support.zygote import start_bot


async def test_a_missing_token_is_a_one_line_error(tmp_path: Path) -> None:
    code, stderr = await run_to_end(tmp_path)
    assert code == 2
    assert stderr.splitlines() == [
        "safar: BOT_TOKEN is not set. Get a token from @BotFather in Telegram and set BOT_TOKEN."
    ]


async def test_a_malformed_token_is_a_one_line_error(tmp_path: Path) -> None:
    code, stderr = await run_to_end(tmp_path, BOT_TOKEN="not-a-token")
    assert code == 2
    assert len(stderr.splitlines()) == 1 and "BOT_TOKEN is malformed" in stderr


async def test_the_readme_example_token_is_refused_as_not_real(tmp_path: Path) -> None:
    code, stderr = await run_to_end(tmp_path, BOT_TOKEN="123456:ABC...")
    assert code == 2
    assert stderr.splitlines() == [
        "safar: BOT_TOKEN is the example from the README (123456:ABC...), not a real token: get yours from @BotFather."
    ]


async def test_json_logs_have_the_fields_of_text_logs_and_no_user(tmp_path: Path, telegram: FakeTelegram) -> None:
    lines: dict[str, list[str]] = {}
    for log_format in ("text", "json"):
        (tmp_path / log_format).mkdir()
        settings = {"BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "LOG_FORMAT": log_format}
        async with running(tmp_path / log_format, **settings) as process:
            user = telegram.user(user_id=84512, language_code="en")
            await user.send("/start")
            await user.reply(within=LOADED_MACHINE)
            code, stderr = await stop(process)
        assert code == 0, stderr
        lines[log_format] = stderr.splitlines()
        assert "84512" not in stderr
    records = [json.loads(line) for line in lines["json"]]
    assert all(set(record) == {"asctime", "levelname", "name", "message"} for record in records), records
    as_text = [f"{r['asctime']} {r['levelname']} {r['name']}: {r['message']}" for r in records]
    # The start-up lines of the two runs (fresh directories) are the same lines with the same fields;
    # the scheduler's later lines depend on timing.
    starting = "INFO bot.runtime.polling: Safar is running (long polling)"
    for written in (lines["text"], as_text):
        assert any(line.endswith(starting) for line in written), written
    until_running = [  # each run has its own directory (and keys generated there): named alike
        [
            line.split(" ", 2)[2].replace(str(tmp_path / name), "DIR")
            for line in written[: next(i for i, x in enumerate(written) if x.endswith(starting))]
        ]
        for name, written in (("text", lines["text"]), ("json", as_text))
    ]
    assert until_running[0] == until_running[1]


async def test_broken_content_stops_start_up_with_the_report(tmp_path: Path) -> None:
    (tmp_path / "content" / "lessons").mkdir(parents=True)
    (tmp_path / "content" / "contacts.yaml").write_text("{}\n", encoding="utf-8")
    code, stderr = await run_to_end(tmp_path, BOT_TOKEN=TOKEN, CONTENT_DIR=str(tmp_path / "content"))
    assert code == 2
    assert "safar: the content has errors; nothing was started:" in stderr
    assert "lessons/main.yaml:1: the lesson 'main' is required but missing" in stderr
    assert "Traceback" not in stderr


async def test_the_bot_polls_answers_and_stops_cleanly_on_sigterm(tmp_path: Path, telegram: FakeTelegram) -> None:
    # A cold `python -m bot`, imports and all, as an operator starts it (other tests fork a zygote).
    async with running(tmp_path, cold=True, BOT_TOKEN=TOKEN, BOT_API_BASE_URL=telegram.base_url) as process:
        user = telegram.user(language_code="uz")
        await user.send("/start")
        picker = await user.reply(within=LOADED_MACHINE)  # a cold start imports for ~10 CPU-seconds
        assert "✅ Oʻzbekcha" in picker.labels()
        code, stderr = await stop(process)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert (tmp_path / "data" / "safar.sqlite3").exists()


async def test_the_webhook_refuses_requests_without_the_secret_and_handles_a_retry_once(
    tmp_path: Path, telegram: FakeTelegram
) -> None:
    port = free_port()
    settings = {
        "BOT_TOKEN": TOKEN, "BOT_API_BASE_URL": telegram.base_url, "WEBHOOK_URL": "https://safar.example.org",
        "WEBHOOK_SECRET": "s3cret-token", "WEBHOOK_PORT": str(port),
    }  # fmt: skip
    async with running(tmp_path, **settings) as process:
        # A loaded CI machine starts the bot slowly.
        await eventually(
            lambda: any(method == "setWebhook" for method, _ in telegram.calls), LOADED_MACHINE, what="setWebhook"
        )
        webhook = next(params for method, params in telegram.calls if method == "setWebhook")
        assert webhook["url"] == "https://safar.example.org/telegram/webhook"
        assert webhook["secret_token"] == "s3cret-token"
        update = {"update_id": 1, "message": {
            "message_id": 1, "date": 0, "chat": {"id": 77, "type": "private"},
            "from": {"id": 77, "is_bot": False, "first_name": "T", "language_code": "en"},
            "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }}  # fmt: skip
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 401
            user = telegram.user(user_id=77)
            assert user.nothing_sent()
            for _ in range(2):  # Telegram retrying a call it did not see answered
                async with http.post(
                    url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
                ) as ok:
                    assert ok.status == 200
        picker = await user.reply(within=LOADED_MACHINE)
        assert "✅ English" in picker.labels()
        # Each call was answered only once its update was handled: a second reply would be here already.
        assert user.nothing_sent(), "the repeated update_id was handled once"
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as health:
            assert (health.status, await health.text()) == (200, "ok\n")
        check = await start_bot(["healthcheck"], cwd=tmp_path, env=environment(tmp_path, **settings), stdout=PIPE)
        answer, _ = await check.communicate()
        assert (check.returncode, answer) == (0, b"ok\n")
        code, stderr = await stop(process)
    assert code == 0, stderr


async def test_an_unreachable_bot_api_is_a_one_line_error(tmp_path: Path) -> None:
    code, stderr = await run_to_end(tmp_path, BOT_TOKEN=TOKEN, BOT_API_BASE_URL=f"http://127.0.0.1:{free_port()}")
    assert code == 2
    last = stderr.splitlines()[-1]
    assert last.startswith("safar: cannot reach the Bot API at http://127.0.0.1:")
    assert (
        "Check that this machine is online, that it can resolve 127.0.0.1 (DNS), and whether it needs a proxy" in last
    )
    assert last.index("online") < last.index("BOT_API_BASE_URL"), "the likely causes come before the setting"
    assert "Traceback" not in stderr


async def test_a_token_telegram_refuses_is_a_one_line_error(tmp_path: Path, telegram: FakeTelegram) -> None:
    other = "7000002:AAE-someoneElsesTokenThatTheFakeRefuses_0"
    code, stderr = await run_to_end(tmp_path, BOT_TOKEN=other, BOT_API_BASE_URL=telegram.base_url)
    assert code == 2
    assert (
        stderr.splitlines()[-1]
        == "safar: Telegram refused BOT_TOKEN (401 Unauthorized): copy it again from @BotFather."
    )
    assert "Traceback" not in stderr
