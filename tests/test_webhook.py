"""The webhook facing the internet: strangers' bad requests get a plain 4xx, never a 500 or a
traceback, and an update that cannot be read is logged without what it contains."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from bot.config import Settings
from bot.runtime.app import application
from bot.runtime.webhook import WEBHOOK_PATH, webhook_application
from tests.support.fake_telegram import FakeTelegram
from tests.support.processes import free_port
from tests.support.waiting import eventually

SECRET = "s3cret-token"
START = {"update_id": 5, "message": {
    "message_id": 1, "date": 0, "chat": {"id": 77, "type": "private"},
    "from": {"id": 77, "is_bot": False, "first_name": "T", "language_code": "en"},
    "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
}}  # fmt: skip


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[int]:
    """The real bot's webhook server on a loopback port."""
    async with application(settings) as app:
        runner = web.AppRunner(webhook_application(app, SECRET))
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield port
        finally:
            await runner.cleanup()


@pytest.fixture
async def webhook(settings: Settings) -> AsyncIterator[int]:
    async with serving(settings) as port:
        yield port


async def raw_post(port: int, headers: bytes, body: bytes) -> int:
    """A request as a prober writes it, bytes and all (aiohttp's client refuses non-ASCII headers)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST " + WEBHOOK_PATH.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + headers + b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )  # fmt: skip
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    return int(status_line.split()[1])


async def test_probes_get_plain_refusals_and_the_bot_keeps_answering(
    telegram: FakeTelegram, webhook: int, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://127.0.0.1:{webhook}{WEBHOOK_PATH}"
    good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession() as http:
        for body in (b"{not json", b"\xff\xfe", b"[1, 2]", b""):
            async with http.post(url, data=body, headers=good | {"Content-Type": "application/json"}) as response:
                assert response.status == 400, body
        async with http.post(url, json=START, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as response:
            assert response.status == 401
    assert (
        await raw_post(webhook, "X-Telegram-Bot-Api-Secret-Token: сафар\r\n".encode(), json.dumps(START).encode())
        == 401
    )
    assert await raw_post(webhook, b"X-Telegram-Bot-Api-Secret-Token: \xff\xfe\r\n", json.dumps(START).encode()) == 401
    unreadable = {"update_id": 6, "message": {"message_id": "Rustam took my papers", "text": "call +7 999 123"}}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=unreadable, headers=good) as response:
            assert response.status == 200, "accepted, so Telegram does not retry it forever"
        async with http.post(url, json=START, headers=good) as response:
            assert response.status == 200
    picker = await telegram.user(user_id=77).reply(within=20)
    assert "✅ English" in picker.labels(), "the bot still answers"
    logged = "\n".join(record.getMessage() + str(record.exc_info or "") for record in caplog.records)
    assert "webhook: an update could not be read (fields: message.chat, message.date, message.message_id)" in logged
    # The typed number with its space: "999" alone turns up in random hex (a storage key logged at debug).
    assert "Rustam" not in logged and "999 123" not in logged and "papers" not in logged  # (not a column name)
    assert not any(record.exc_info for record in caplog.records), "no traceback"
    assert not any(record.levelno >= logging.ERROR for record in caplog.records)


async def test_beyond_the_in_flight_limit_telegram_is_answered_only_when_a_slot_frees(
    telegram: FakeTelegram, settings: Settings
) -> None:
    """Telegram sends no more than it has connections open: holding its call back is the brake.
    And each call is answered only once its update was handled, so an update under way when the
    process dies is sent again."""
    settings.max_updates_in_flight = 1
    async with serving(settings) as port:
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        second = json.loads(json.dumps(START).replace("77", "78"))
        second["update_id"] = 7
        telegram.chat_latency[77] = 2.0  # the first update's reply takes a while to go out

        async def post(update: dict[str, object]) -> tuple[int, bool, bool]:
            """The call's status, and whether each user had their reply when it was answered."""
            async with aiohttp.ClientSession() as http, http.post(url, json=update, headers=good) as response:
                replied = (not telegram.user(user_id=77).nothing_sent(), not telegram.user(user_id=78).nothing_sent())
                return response.status, *replied

        first_call = asyncio.create_task(post(START))
        await eventually(
            lambda: telegram.under_way[77] == 1, what="the first update holding the slot, its reply on its way"
        )
        second_call = asyncio.create_task(post(second))
        assert await first_call == (200, True, False), "answered once handled; the second waits for the slot"
        assert await second_call == (200, True, True)


async def test_a_call_waiting_behind_its_chats_update_holds_no_slot_and_is_answered_once_handled(
    telegram: FakeTelegram, settings: Settings
) -> None:
    """Telegram may have two calls for one chat open (a call it gave up on and sent again, a second
    connection): the second waits for its turn without one of MAX_UPDATES_IN_FLIGHT, so another
    chat is answered meanwhile; each call is answered only once its own update was handled."""
    settings.max_updates_in_flight = 2
    async with serving(settings) as port:
        url = f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
        good = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        again = json.loads(json.dumps(START).replace("/start", "/menu").replace('"length": 6', '"length": 5'))
        again["update_id"] = 6
        other = json.loads(json.dumps(START).replace("77", "78"))
        other["update_id"] = 7

        async def post(update: dict[str, object]) -> int:
            async with aiohttp.ClientSession() as http, http.post(url, json=update, headers=good) as response:
                return response.status

        with telegram.holding(77):  # chat 77's reply is on its way until the block ends
            first_call = asyncio.create_task(post(START))
            await eventually(lambda: telegram.calls_held[77] == 1)
            second_call = asyncio.create_task(post(again))
            assert await asyncio.wait_for(post(other), 10) == 200
            assert not telegram.user(user_id=78).nothing_sent(), "the other chat was answered"
            assert not first_call.done() and not second_call.done(), "chat 77's calls wait for their updates"
        assert (await first_call, await second_call) == (200, 200)
        user = telegram.user(user_id=77)
        assert "✅ English" in (await user.reply()).labels(), "the language picker first"
        assert "Safar" in (await user.reply()).text, "then the menu: the chat's order kept"
