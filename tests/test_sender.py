"""The bulk sender against the fake Bot API: Telegram's limits kept, errors survived, order kept."""

import itertools
import time

from pydantic import SecretStr

from bot.config import Settings
from bot.runtime.app import bot_for
from bot.services.sender import BulkSender, Outcome, Outgoing
from bot.transport.outbound import bulk_delivery
from tests.support.fake_telegram import TOKEN, BadRequest, FakeTelegram


def sender_for(telegram: FakeTelegram, per_second: float = 30, per_chat: float = 1.0) -> tuple[BulkSender, object]:
    settings = Settings(_env_file=None, bot_token=SecretStr(TOKEN), bot_api_base_url=telegram.base_url)  # type: ignore[call-arg]
    bot = bot_for(settings, retry=False)
    return BulkSender(bulk_delivery(bot), messages_per_second=per_second, seconds_per_chat=per_chat), bot


async def send(sender: BulkSender, items: list[Outgoing]) -> list[tuple[str, Outcome]]:
    outcomes: list[tuple[str, Outcome]] = []

    async def record(item: Outgoing, outcome: Outcome) -> None:
        outcomes.append((item.text, outcome))

    await sender.send_all(items, record)
    return outcomes


async def test_no_more_than_the_rate_in_any_second(telegram: FakeTelegram) -> None:
    sender, bot = sender_for(telegram, per_second=30)
    outcomes = await send(sender, [Outgoing(1000 + n, f"m{n}") for n in range(75)])
    await bot.session.close()  # type: ignore[attr-defined]
    assert [outcome for _, outcome in outcomes] == [Outcome.SENT] * 75
    times = [moment for moment, _, _ in telegram.delivered]
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 31, f"{busiest} messages in one second"


async def test_a_429_storm_delivers_everything_once_in_order_per_chat(telegram: FakeTelegram) -> None:
    sender, bot = sender_for(telegram, per_chat=1.0)
    for _ in range(3):
        telegram.fail_next("sendMessage", BadRequest("Too Many Requests: retry after 1", 429, retry_after=1))
    items = [Outgoing(chat, f"chat {chat} message {n}") for n in range(3) for chat in (1, 2, 3)]
    outcomes = await send(sender, items)
    await bot.session.close()  # type: ignore[attr-defined]
    assert sorted(text for text, outcome in outcomes if outcome is Outcome.SENT) == sorted(i.text for i in items)
    for chat in (1, 2, 3):
        got = [(moment, text) for moment, to, text in telegram.delivered if to == chat]
        assert [text for _, text in got] == [f"chat {chat} message {n}" for n in range(3)], "in order, once"
        gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(got)]
        assert all(gap >= 0.95 for gap in gaps), f"one a second per chat: {gaps}"


async def test_a_blocked_user_stops_their_messages_not_the_others(telegram: FakeTelegram) -> None:
    sender, bot = sender_for(telegram)
    telegram.blocked_chats.add(2)
    outcomes = await send(sender, [Outgoing(chat, f"{chat}-{n}") for n in range(2) for chat in (1, 2, 3)])
    await bot.session.close()  # type: ignore[attr-defined]
    assert sorted(outcomes) == sorted(
        [("1-0", Outcome.SENT), ("1-1", Outcome.SENT), ("3-0", Outcome.SENT), ("3-1", Outcome.SENT),
         ("2-0", Outcome.BLOCKED), ("2-1", Outcome.BLOCKED)]
    )  # fmt: skip
    assert [to for _, to, _ in telegram.delivered].count(2) == 0


async def test_server_errors_are_retried_and_then_deferred(telegram: FakeTelegram) -> None:
    settings = Settings(_env_file=None, bot_token=SecretStr(TOKEN), bot_api_base_url=telegram.base_url)  # type: ignore[call-arg]
    bot = bot_for(settings, retry=False)
    sender = BulkSender(bulk_delivery(bot), attempts=2, backoff_seconds=0.05)
    telegram.fail_next("sendMessage", BadRequest("Internal Server Error", 500))
    assert await send(sender, [Outgoing(5, "once")]) == [("once", Outcome.SENT)]
    for _ in range(2):
        telegram.fail_next("sendMessage", BadRequest("Internal Server Error", 500))
    assert await send(sender, [Outgoing(6, "later")]) == [("later", Outcome.DEFERRED)]
    await bot.session.close()


async def test_a_message_whose_claim_ran_out_while_telegram_made_us_wait_is_left_for_the_next_claim(
    telegram: FakeTelegram,
) -> None:
    """Another scheduler takes a claim back once its lease ends and sends it: this one must not send
    it too after a 429 (or a starved machine) kept it waiting past the lease."""
    sender, bot = sender_for(telegram, per_second=1)
    telegram.fail_next("sendMessage", BadRequest("Too Many Requests: retry after 2", 429, retry_after=2))
    deadline = time.monotonic() + 1.5
    items = [Outgoing(chat, f"to {chat}", start_before=deadline) for chat in (1, 2, 3)]
    outcomes = await send(sender, items)
    fresh = await send(sender, [Outgoing(4, "claimed just now", start_before=time.monotonic() + 60)])
    await bot.session.close()  # type: ignore[attr-defined]
    assert sorted(outcomes) == [("to 1", Outcome.EXPIRED), ("to 2", Outcome.EXPIRED), ("to 3", Outcome.EXPIRED)]
    assert fresh == [("claimed just now", Outcome.SENT)]
    assert [text for _, _, text in telegram.delivered] == ["claimed just now"]
