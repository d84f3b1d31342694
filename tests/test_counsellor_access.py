"""A person can reach a person from every place it matters, and no one can abuse it: "Talk to a
person" on the hotline screens, the danger view, the families lesson and "nothing found"; the way
an incoming message takes; a contact or location only after the person confirms it; the country in
the topic's name; /block and the per-minute limit; what the group reads, in its language."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.common.telegram_limits import MAX_MESSAGE_CHARS
from bot.config import Settings
from bot.handlers.counsellor_replies import SENT
from bot.handlers.counsellors import NOT_DELIVERED, TALK_LABEL
from bot.i18n.messages import DANGER_FIRST
from tests.support.clock import ManualClock
from tests.support.desk import COUNSELLOR_ID, GROUP, MONDAY_MORNING, copies_into, label, open_case, shown_answer
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import STAFF_ID, RunningBot

FAMILIES = "My family member works abroad"
DANGER = "бригадир Рустам забрал паспорт, я в Казани"
NOTHING_TO_FIND = "zzqx vvbn"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
def group_settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    telegram.add_group(GROUP)
    settings.counsellors_chat_id = GROUP
    settings.admin_ids = frozenset({STAFF_ID})
    settings.staff_roles = {COUNSELLOR_ID: frozenset({"counsellor"})}
    settings.counsellors_organisation = "Hamsafar NGO"
    settings.counsellors_messages_per_minute = 3
    settings.reminder_check_seconds = 0.1
    return settings


@pytest.fixture
async def desk_bot(group_settings: Settings, clock: ManualClock) -> AsyncIterator[RunningBot]:
    running = RunningBot(group_settings, clock)
    await running.start()
    yield running
    await running.stop()


def within_telegram_limits(telegram: FakeTelegram, sent: Sent) -> None:
    """The message as sent: text within 4096 UTF-16 units, every button's data within 64 bytes."""
    assert len(sent.text.encode("utf-16-le")) // 2 <= MAX_MESSAGE_CHARS
    for row in sent.buttons:
        for button in row:
            assert len(str(button.get("callback_data", "")).encode()) <= 64, button


async def places_that_offer_a_person(user: FakeUser) -> dict[str, Sent]:
    """Each place the issue names, reached as a person would (an English reader)."""
    seen: dict[str, Sent] = {}
    await user.send("/sos")
    seen["sos"] = hotlines = await user.reply()
    country = next(text for text in hotlines.labels() if "Russia" in text)
    await user.press(hotlines, country)
    seen["hotline screen"] = await user.reply()
    await user.send(DANGER)
    seen["danger view"] = await user.reply()
    await user.send(NOTHING_TO_FIND)
    seen["nothing found"] = await user.reply()
    await user.send("/menu")
    menu = await user.reply()
    await user.press(menu, FAMILIES)
    seen["families lesson"] = await user.reply()
    return seen


async def test_talk_to_a_person_is_offered_everywhere_it_belongs(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=6001, language_code="en")
    await start_in(user, LANGUAGE_LABELS["en"])
    seen = await places_that_offer_a_person(user)
    for place, sent in seen.items():
        assert TALK_LABEL in sent.labels(), place
        assert sent.labels().count(TALK_LABEL) == 1, place  # once, not again under the hotlines' own
        within_telegram_limits(telegram, sent)
    await user.press(seen["families lesson"], TALK_LABEL)
    assert "What the counsellor sees" in (await user.reply()).text  # the consent screen, before anything is sent


async def test_without_the_group_no_place_offers_a_person(bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=6002, language_code="en")
    await start_in(user, LANGUAGE_LABELS["en"])
    seen = await places_that_offer_a_person(user)
    for place, sent in seen.items():
        assert not any("person" in text for text in sent.labels()), place  # the families lesson's button too
    assert not any(method.endswith("ForumTopic") for method, _ in telegram.calls)


async def forwarded(user: FakeUser, text: str) -> None:
    """A text message forwarded from another chat, as the phone sends it."""
    await user.telegram.push_update({"message": {
        "message_id": next(user.telegram.message_ids), "date": 1_790_000_000,
        "chat": {"id": user.id, "type": "private", "first_name": "Test"}, "from": user._from(), "text": text,
        "forward_origin": {"type": "hidden_user", "sender_user_name": "Recruiter", "date": 1_790_000_000},
    }})  # fmt: skip


@pytest.mark.parametrize("kind", ["voice", "video_note", "document"])
async def test_outside_a_case_what_safar_cannot_read_is_offered_to_a_person(
    desk_bot: RunningBot, telegram: FakeTelegram, kind: str
) -> None:
    user = telegram.user(user_id=6003, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send_media(kind)
    offer = await user.reply()
    assert offer.labels() == [label(desk_bot, TALK_LABEL, "ru")]
    assert not telegram.copies


async def test_outside_a_case_a_forwarded_advert_is_read_with_a_person_among_the_next_steps(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = telegram.user(user_id=6006, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await forwarded(user, "Работа в Москве, 3000$ в месяц, паспорт заберём для оформления")
    answer = await user.reply()  # the advert check (tests/test_adverts.py), not a bare offer
    assert "🚩" in answer.text
    assert label(desk_bot, TALK_LABEL, "ru") in answer.labels() and len(answer.labels()) > 1
    assert not telegram.copies


async def test_outside_a_case_text_goes_to_the_matcher_danger_first(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = telegram.user(user_id=6004, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send(DANGER)
    alarm = await user.reply()
    assert "/sos" not in alarm.labels() and "112" in alarm.text  # the hotlines, not an offer alone
    assert not telegram.copies and not telegram.topics


@pytest.mark.parametrize("kind", ["text", "forward", "photo", "voice", "video_note", "document"])
async def test_in_an_open_case_everything_is_relayed_first(
    desk_bot: RunningBot, telegram: FakeTelegram, kind: str
) -> None:
    user = telegram.user(user_id=6005, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    if kind == "text":
        await user.send(DANGER)  # even words the matcher would answer with the alarm
    elif kind == "forward":
        await forwarded(user, "Работа в Москве")
    else:
        await user.send_media(kind)
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 1)
    told = await user.reply()  # it went to the counsellor, and the person is told so
    assert told.text.startswith(label(desk_bot, SENT, "ru")[:2])
    assert (label(desk_bot, DANGER_FIRST, "ru") in told.text) == (kind == "text")  # danger: the hotlines too


@pytest.mark.parametrize(("kind", "says"), [("contact", "phone number"), ("location", "where you are")])
async def test_a_contact_or_location_in_a_case_goes_only_once_confirmed(
    desk_bot: RunningBot, telegram: FakeTelegram, kind: str, says: str
) -> None:
    user = telegram.user(user_id=6006, language_code="en")
    await start_in(user, LANGUAGE_LABELS["en"])
    _, topic = await open_case(desk_bot, user, "en")
    await user.send_media(kind)
    question = await user.reply()
    assert says in question.text and question.labels() == ["Send", "Don't send"]
    await user.press(question, "Don't send")
    assert "Not sent" in (await user.reply()).text
    assert copies_into(telegram, topic) == []

    sent = await user.send_media(kind)
    await user.press(await user.reply(), "Send")
    assert (await user.reply()).text == "Sent to the counsellor."
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 1)
    assert copies_into(telegram, topic)[0][kind] is not None
    assert (user.id, sent) in telegram.posted  # the person's own message, copied


@pytest.mark.parametrize("kind", ["contact", "location"])
async def test_outside_a_case_a_contact_or_location_is_answered_and_kept_nowhere(
    desk_bot: RunningBot, telegram: FakeTelegram, kind: str
) -> None:
    user = telegram.user(user_id=6007, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send_media(kind)
    answer = await user.reply()
    assert answer.text == label(desk_bot, "Safar does not need a phone number or where you are: it was not kept "
                                "or passed on to anyone. Type your question, or choose a topic with /menu.", "ru")  # fmt: skip
    assert not telegram.copies and not telegram.topics
    rows = await desk_bot.app.database.fetchall("SELECT * FROM counsellor_cases")
    assert rows == []


async def test_the_topic_is_named_by_number_language_and_passport_country(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = telegram.user(user_id=6008, language_code="uz")
    await start_in(user, LANGUAGE_LABELS["uz"])
    await user.send("/country")
    await user.press(await user.reply(), label(desk_bot, "🇰🇬 Kyrgyzstan", "uz"))
    await user.reply()
    _, topic = await open_case(desk_bot, user, "uz")
    number = telegram.topics[topic]["name"].split(" · ")[0]
    assert telegram.topics[topic]["name"] == f"{number} · UZ · KG"  # and nothing else
    assert number.startswith("#") and number[1:].isdigit()


async def test_a_counsellor_blocks_a_cases_sender_for_days(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock
) -> None:
    user = telegram.user(user_id=6009, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    counsellor = FakeUser(telegram, COUNSELLOR_ID, "en")

    await FakeUser(telegram, STAFF_ID, "en").post_in_topic(GROUP, topic, "/block 3")  # an admin, not a counsellor
    await counsellor.post_in_topic(GROUP, topic, "/block 90")  # more than the longest block
    await telegram.until(lambda: len(told_in(telegram, topic)) == 2)
    assert not telegram.topics[topic]["closed"]

    await counsellor.post_in_topic(GROUP, topic, "/block 3")
    told = await user.reply()
    assert "/sos" in told.text and told.labels() == [label(desk_bot, "🧹 Clear this chat", "ru")]
    await telegram.until(lambda: telegram.topics[topic]["closed"])  # after the case's last copies
    await telegram.until(lambda: len(told_in(telegram, topic)) == 3)
    assert "25.02.2027" in told_in(telegram, topic)[-1]  # Monday 22 February and three days

    await user.send("/forget")  # a block outlives /forget: it would protect no one otherwise
    await user.press(await user.reply(), label(desk_bot, "Yes, erase", "ru"))
    await user.reply()
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send("/sos")
    await user.press(await user.reply(), label(desk_bot, TALK_LABEL, "ru"))
    refused = await user.reply()
    assert "25.02.2027" in refused.text and "/sos" in refused.text and not refused.labels()

    clock.advance(days=3, hours=1)
    assert desk_bot.app.desk is not None
    await desk_bot.app.desk.housekeeping()
    assert await desk_bot.app.database.fetchall("SELECT * FROM counsellor_blocks") == []  # gone when it ends
    await user.send("/sos")
    await user.press(await user.reply(), label(desk_bot, TALK_LABEL, "ru"))
    assert (await user.reply()).labels()[0] == label(desk_bot, "Start", "ru")  # the consent screen again


async def test_a_block_names_neither_the_person_nor_the_case(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=6010, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    (user_key,) = [row[0] for row in await desk_bot.app.database.fetchall("SELECT user_key FROM counsellor_cases")]
    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "/block")
    await user.reply()
    ((block_key, until),) = await desk_bot.app.database.fetchall("SELECT block_key, until_hour FROM counsellor_blocks")
    assert block_key != user_key and str(user.id) not in str(block_key)
    other_keys = {row[0] for row in await desk_bot.app.database.fetchall("SELECT user_key FROM user_settings")}
    assert block_key not in other_keys  # it joins no other table
    days = (datetime.fromtimestamp(int(until), UTC) - MONDAY_MORNING) / timedelta(days=1)
    assert 7 <= days < 7 + 1 / 24  # the default block, to the hour


async def test_over_the_minute_limit_the_person_is_told_which_messages_were_not_sent(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock
) -> None:
    user = telegram.user(user_id=6011, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    await user.send_album(4)  # one album is one message, whatever its pictures
    for number in range(4):
        await user.send(f"message {number}")
    await telegram.until(lambda: len(replies_to(telegram, user.id)) == 3)  # "sent" once, and two refusals
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 6)  # the queue copies in the background
    texts = [copy.get("text") for copy in copies_into(telegram, topic)]
    assert texts == [None, None, None, None, "message 0", "message 1"]
    sent, *not_sent = replies_to(telegram, user.id)
    assert sent["text"] == label(desk_bot, SENT, "ru")
    quoted = {p["message_id"] for p in not_sent}
    assert len(quoted) == 2 and all("⏳" in p["text"] for p in not_sent)  # each refused message, answered

    clock.advance(minutes=1)
    await user.send("message 4")
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 7)


async def test_a_case_reaches_only_its_own_topic(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    first, second = telegram.user(user_id=6012, language_code="ru"), telegram.user(user_id=6013, language_code="ru")
    for person in (first, second):
        await start_in(person, LANGUAGE_LABELS["ru"])
    _, first_topic = await open_case(desk_bot, first, "ru")
    _, second_topic = await open_case(desk_bot, second, "ru")
    await second.send("second's secret")
    await telegram.until(lambda: len(copies_into(telegram, second_topic)) == 1)
    assert (await second.reply()).text == label(desk_bot, SENT, "ru")
    (second_message,) = [
        key[1] for key, m in telegram.posted.items() if key[0] == second.id and m.get("text") == "second's secret"
    ]

    acknowledgement = Sent("sendMessage", first.id, 1, "", [])
    forged = f"dk:share:{second_message}"  # the first person presses "Send" naming the second's message
    await first.press_data(acknowledgement, forged)
    await first.reply()
    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, second_topic, "Only for the second")
    assert (await shown_answer(desk_bot, second, "ru")).text == "Only for the second"
    assert copies_into(telegram, first_topic) == []
    assert [c["text"] for c in copies_into(telegram, second_topic)] == ["second's secret"]
    while not first.telegram.outboxes[first.id].empty():  # at most told that "their" message did not go
        told = first.telegram.outboxes[first.id].get_nowait()
        assert told.text == label(desk_bot, NOT_DELIVERED, "ru"), told.text


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_the_group_reads_safar_in_its_language(
    group_settings: Settings, clock: ManualClock, telegram: FakeTelegram, language: str
) -> None:
    group_settings.counsellors_language = language  # type: ignore[assignment]
    running = RunningBot(group_settings, clock)
    await running.start()
    try:
        user = telegram.user(user_id=6014, language_code="ru")
        await start_in(user, LANGUAGE_LABELS["ru"])
        acknowledgement, topic = await open_case(running, user, "ru")
        await FakeUser(telegram, STAFF_ID, "en").post_in_topic(GROUP, topic, "hello")  # not a counsellor
        await user.press(acknowledgement, label(running, "End conversation", "ru"))
        await user.reply()
        await telegram.until(lambda: len(told_in(telegram, topic)) == 2)
        expected = [
            label(running, msgid, language)
            for msgid in (
                "Only messages of staff with the counsellor role reach the person; yours here are not sent. "
                "Ask an administrator to add you to STAFF_ROLES as counsellor.",
                "The person ended the conversation; the case is closed.",
            )
        ]
    finally:
        await running.stop()
    assert sorted(told_in(telegram, topic)) == sorted(expected)  # the two chats are served side by side
    if language != "en":
        assert expected[1] != "The person ended the conversation; the case is closed."


def told_in(telegram: FakeTelegram, topic: int) -> list[str]:
    """What Safar wrote itself in a case's topic."""
    return [str(p["text"]) for m, p in telegram.calls if m == "sendMessage" and p.get("message_thread_id") == topic]


def replies_to(telegram: FakeTelegram, chat_id: int) -> list[dict[str, Any]]:
    """Safar's answers quoting one of the person's messages: the text and the quoted message's id."""
    found = []
    for method, params in telegram.calls:
        if method == "sendMessage" and str(params.get("chat_id")) == str(chat_id) and params.get("reply_parameters"):
            reply = params["reply_parameters"]
            reply = json.loads(reply) if isinstance(reply, str) else reply
            found.append({"text": params["text"], "message_id": reply["message_id"]})
    return found


async def test_privacy_says_a_block_outlives_forget_only_where_the_desk_is(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = telegram.user(user_id=6015, language_code="en")
    await start_in(user, LANGUAGE_LABELS["en"])
    await user.send("/privacy")
    said = (await user.reply()).text
    assert "even after /forget" in said and "at most 30 days" in said


async def test_without_the_desk_privacy_says_nothing_of_counsellors(bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=6016, language_code="en")
    await start_in(user, LANGUAGE_LABELS["en"])
    await user.send("/privacy")
    assert "counsellor" not in (await user.reply()).text
