"""What Safar writes into the counsellors' group itself (a new topic, "the person ended the
conversation", a closed topic, a case waiting too long, replies to commands) counts against the
group's ~20 messages a minute like every copy, and comes after the case's last copies. The notice of
a case waiting too long keeps to the desk's working hours."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.handlers.counsellor_answers import CASE_ENDED
from bot.services.counsellor_relays import MemoryGroupBudget
from tests.support.clock import ManualClock
from tests.support.desk import (
    GROUP,
    MONDAY_MORNING,
    copies_into,
    label,
    open_case,
    person_in_a_case,
    set_up_desk,
    told_in_topic,
)
from tests.support.fake_telegram import FakeTelegram
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import RunningBot

TEST_MINUTE = 2.0
"""Telegram's minute for the group's limit, shrunk so the test stays fast: the fake and the bot agree on it."""
FRIDAY_EVENING = datetime(2027, 2, 26, 15, 0, tzinfo=UTC)
"""20:00 in Dushanbe on a Friday: the desk (09–18, Monday to Friday) is closed until Monday 09:00."""
OVERDUE = "Waiting longer than {hours} h without an answer: {numbers}"


async def started(settings: Settings, clock: ManualClock) -> RunningBot:
    running = RunningBot(settings, clock)
    await running.start()
    assert running.app.desk is not None
    running.app.desk.relays.budget = MemoryGroupBudget(20, TEST_MINUTE)
    return running


@pytest.fixture
async def desk_bot(settings: Settings, telegram: FakeTelegram) -> AsyncIterator[RunningBot]:
    telegram.group_rate_window = TEST_MINUTE
    running = await started(set_up_desk(settings, telegram), ManualClock(MONDAY_MORNING))
    yield running
    await running.stop()


async def test_topics_notices_and_copies_together_keep_to_the_groups_limit_in_order(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    people = []
    for n in range(6):  # 6 new topics, 18 copies, 6 notices and 6 closed topics: 36 messages in the group
        person = telegram.user(user_id=5100 + n, language_code="ru")
        await start_in(person, LANGUAGE_LABELS["ru"])
        people.append((person, *await open_case(desk_bot, person, "ru")))
    for number in range(3):
        for person, _, _ in people:
            await person.send(f"message {number}")
    for person, acknowledgement, _ in people:  # at once: the last copies are still queued
        await person.press(acknowledgement, label(desk_bot, "End conversation", "ru"))
    topics = [topic for _, _, topic in people]
    await telegram.until(lambda: all(telegram.topics[t]["closed"] for t in topics), within=60)
    assert telegram.group_refusals == 0  # Safar's own writing kept to the budget as the copies did
    for topic in topics:
        assert [copy["text"] for copy in copies_into(telegram, topic)] == [f"message {n}" for n in range(3)]
        assert [told["text"] for told in told_in_topic(telegram, topic)] == [label(desk_bot, CASE_ENDED, "en")]
        into_topic = [m for m, p in telegram.calls if str(p.get("chat_id")) == str(GROUP)
                      and p.get("message_thread_id") == topic]  # fmt: skip
        assert into_topic == ["copyMessage"] * 3 + ["sendMessage", "closeForumTopic"]  # after the last copy


async def test_a_case_opened_at_night_waits_from_the_next_opening_and_is_told_in_working_hours(
    settings: Settings, telegram: FakeTelegram
) -> None:
    settings.counsellors_answer_hours = 2
    clock = ManualClock(FRIDAY_EVENING)
    running = await started(set_up_desk(settings, telegram), clock)
    try:
        desk = running.app.desk
        assert desk is not None
        await person_in_a_case(running, telegram, 5200, "tg")
        # Friday 23:00, Saturday 20:00, Monday 08:00 and 10:00 in Dushanbe: not yet two working hours
        for hours in (3, 24, 60, 62):
            clock.set(FRIDAY_EVENING + timedelta(hours=hours))
            await desk.housekeeping()
            assert told_in_topic(telegram, None) == [], f"told {hours} h after a Friday evening"
        clock.set(FRIDAY_EVENING + timedelta(hours=63))  # Monday 11:00: two hours since the desk opened
        await desk.housekeeping()  # or the scheduler's round did, on the same clock
        await telegram.until(lambda: told_in_topic(telegram, None))
        (told,) = told_in_topic(telegram, None)
        assert told["text"].startswith(desk.gettext(OVERDUE).format(hours=2, numbers="#"))
    finally:
        await running.stop()
