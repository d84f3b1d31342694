"""A person talks to the NGO's counsellors through Safar, anonymously: one topic per case in the
counsellors' group, the person's messages copied there, a counsellor's answers copied back, the
topic deleted when the case's retention ends. The group never learns who the person is."""

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.handlers.counsellors import TALK_LABEL
from bot.runtime.startup_checks import StartupError, check_counsellors_group
from tests.support.clock import ManualClock
from tests.support.desk import (
    COUNSELLOR_ID,
    GROUP,
    MONDAY_MORNING,
    copies_into,
    label,
    open_case,
    set_up_desk,
    shown_answer,
)
from tests.support.fake_telegram import FakeTelegram, FakeUser
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.privacy import encodings_of
from tests.support.running import STAFF_ID, RunningBot


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
def desk_settings(settings: Settings, telegram: FakeTelegram) -> Settings:
    return set_up_desk(settings, telegram)


@pytest.fixture
async def desk_bot(desk_settings: Settings, clock: ManualClock) -> AsyncIterator[RunningBot]:
    running = RunningBot(desk_settings, clock)
    await running.start()
    yield running
    await running.stop()


def what_the_group_saw(telegram: FakeTelegram) -> str:
    """Everything a member of the counsellors' group can read: copies, topic names, Safar's notices."""
    seen = [repr(copy) for copy in telegram.copies if copy["chat_id"] == GROUP]
    seen += [topic["name"] for topic in telegram.topics.values()]
    seen += [repr(params) for method, params in telegram.calls if str(params.get("chat_id")) == str(GROUP)
             and method != "copyMessage"]  # fmt: skip
    return "\n".join(seen)


@pytest.mark.parametrize("language", ["tg", "ru", "uz", "en"])
async def test_a_person_talks_to_a_counsellor_in_their_language(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock, language: str
) -> None:
    user_name = "Zarina"
    user = FakeUser(telegram, 4242, None)
    user._from = lambda: {"id": 4242, "is_bot": False, "first_name": user_name, "username": "zarina_dushanbe"}  # type: ignore[method-assign]
    await start_in(user, LANGUAGE_LABELS[language])
    acknowledgement, topic = await open_case(desk_bot, user, language)
    assert "#" in acknowledgement.text and acknowledgement.labels()  # the case number, and "End conversation"
    assert telegram.topics[topic]["name"].endswith(language.upper())

    await user.send("My employer took my passport")
    await user.send_media("voice")
    await user.send_media("photo")
    await user.send_album(2)
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 5)
    kinds = [next(k for k in ("text", "voice", "photo") if k in copy) for copy in copies_into(telegram, topic)]
    assert kinds == ["text", "voice", "photo", "photo", "photo"]  # in the order sent, none lost
    alarm = await user.reply()  # one reply for the burst: the hotlines, for a taken passport
    assert alarm.text.startswith("📨") and "112" in alarm.text

    counsellor = FakeUser(telegram, COUNSELLOR_ID, "en")
    await counsellor.post_in_topic(GROUP, topic, "We can help. Do you have a copy of your contract?")
    answer = await shown_answer(desk_bot, user, language)
    assert answer.method == "copyMessage" and "copy of your contract" in answer.text

    await counsellor.post_in_topic(GROUP, topic, "/close")
    ended = await user.reply()
    assert ended.labels() == [label(desk_bot, "🧹 Clear this chat", language)]
    await telegram.until(lambda: telegram.topics[topic]["closed"])  # after the case's last copies

    seen = what_the_group_saw(telegram)
    for private in ("4242", user_name, "zarina_dushanbe"):
        assert private not in seen

    clock.advance(days=31)  # past CASE_RETENTION_DAYS: the topic goes, with every message in it
    await telegram.until(lambda: telegram.topics[topic]["deleted"])


async def test_only_counsellors_answers_reach_the_person(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=4343, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    admin = FakeUser(telegram, STAFF_ID, "en")  # every staff role, but not the counsellor's
    await admin.post_in_topic(GROUP, topic, "Hello from the admin")
    await admin.post_in_topic(GROUP, topic, "Still the admin")
    await telegram.until(
        lambda: any(m == "sendMessage" and p.get("message_thread_id") == topic for m, p in telegram.calls)
    )
    counsellor = FakeUser(telegram, COUNSELLOR_ID, "en")
    await counsellor.post_in_topic(GROUP, topic, "A counsellor's answer")
    answer = await shown_answer(desk_bot, user, "ru")
    assert answer.text == "A counsellor's answer"  # the admin's two messages never came
    told = [p for m, p in telegram.calls if m == "sendMessage" and p.get("message_thread_id") == topic]
    assert len(told) == 1 and "counsellor role" in told[0]["text"]  # told once, not at every message


async def test_forget_deletes_the_topic_at_once(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=4444, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    await user.send("/forget")
    await user.press(await user.reply(), label(desk_bot, "Yes, erase", "ru"))
    await user.reply()
    assert telegram.topics[topic]["deleted"]
    rows = await desk_bot.app.database.fetchall("SELECT * FROM counsellor_cases")
    assert rows == []


async def test_voice_note_outside_a_case_is_offered_to_a_person(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=4545, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    voice = await user.send_media("voice")
    offer = await user.reply()
    await user.press(offer, label(desk_bot, TALK_LABEL, "ru"))
    await user.press(await user.reply(), label(desk_bot, "Start", "ru"))
    await user.reply()
    (topic,) = telegram.topics
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 1)  # the voice note that led here, relayed
    assert copies_into(telegram, topic)[0]["voice"]["file_id"] == f"voice-{voice}"


async def test_no_button_anywhere_without_the_group(bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=4646, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send("/sos")
    hotlines = await user.reply()
    await user.send_media("voice")
    only_text = await user.reply()
    talk = bot.app.i18n.gettext(TALK_LABEL, locale="ru")
    assert talk not in hotlines.labels() and talk not in only_text.labels()
    assert not any(method.endswith("ForumTopic") or method == "copyMessage" for method, _ in telegram.calls)


@pytest.mark.parametrize(
    ("forum", "rights", "says"),
    [
        (False, None, "Topics"),
        (True, frozenset({"can_delete_messages"}), "Manage topics"),
        (True, frozenset({"can_manage_topics"}), "Delete messages"),
    ],
)
async def test_a_group_safar_cannot_use_stops_the_start_with_one_line(
    desk_bot: RunningBot, telegram: FakeTelegram, forum: bool, rights: frozenset[str] | None, says: str
) -> None:
    telegram.add_group(GROUP - 1, is_forum=forum, rights=rights)
    with pytest.raises(StartupError, match=says) as stopped:
        await check_counsellors_group(desk_bot.app.bot, GROUP - 1)
    assert "\n" not in str(stopped.value)
    await check_counsellors_group(desk_bot.app.bot, GROUP)  # the group as it should be passes


async def test_losing_rights_hides_the_button_and_crashes_nothing(desk_bot: RunningBot, telegram: FakeTelegram) -> None:
    user = telegram.user(user_id=4747, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    await user.send("/sos")
    hotlines = await user.reply()
    telegram.groups_left.add(GROUP)  # someone removed Safar from the group
    await user.press(hotlines, label(desk_bot, TALK_LABEL, "ru"))
    await user.press(await user.reply(), label(desk_bot, "Start", "ru"))
    refused = await user.reply()
    assert "/sos" in refused.text
    await user.send("/sos")
    assert label(desk_bot, TALK_LABEL, "ru") not in (await user.reply()).labels()
    staff_told = await FakeUser(telegram, STAFF_ID, "en").reply()
    assert "refused Safar" in staff_told.text


async def test_a_seized_copy_links_no_closed_case_to_a_chat(
    desk_bot: RunningBot, telegram: FakeTelegram, clock: ManualClock, desk_settings: Settings
) -> None:
    user = telegram.user(user_id=987654321, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    _, topic = await open_case(desk_bot, user, "ru")
    await user.send("Help")
    await telegram.until(lambda: len(copies_into(telegram, topic)) == 1)
    await user.reply()  # "sent to the counsellor"
    (box,) = [row[0] for row in await desk_bot.app.database.fetchall("SELECT chat_box FROM counsellor_cases")]
    await FakeUser(telegram, COUNSELLOR_ID, "en").post_in_topic(GROUP, topic, "/close")
    await user.reply()
    assert desk_bot.app.desk is not None
    clock.advance(hours=desk_settings.case_grace_hours - 1)
    await desk_bot.app.desk.housekeeping()
    assert await desk_bot.app.database.fetchall("SELECT case_id FROM counsellor_cases")  # late answers still go
    clock.advance(hours=2)
    await desk_bot.app.desk.housekeeping()
    await desk_bot.stop()
    files = [path for path in desk_settings.db_path.parent.iterdir() if path.name.startswith("safar.sqlite3")]
    disk = b"".join(path.read_bytes() for path in files)
    assert bytes(box) not in disk  # the sealed chat is gone from the file and its log
    for name, encoded in encodings_of(user.id).items():
        assert encoded not in disk, name


async def test_the_person_ends_the_conversation_and_may_clear_the_chat(
    desk_bot: RunningBot, telegram: FakeTelegram
) -> None:
    user = telegram.user(user_id=4848, language_code="ru")
    await start_in(user, LANGUAGE_LABELS["ru"])
    acknowledgement, topic = await open_case(desk_bot, user, "ru")
    await user.press(acknowledgement, label(desk_bot, "End conversation", "ru"))
    ended = await user.reply()
    assert ended.labels() == [label(desk_bot, "🧹 Clear this chat", "ru")]
    await telegram.until(lambda: telegram.topics[topic]["closed"])  # after the case's last copies
    told = [p["text"] for m, p in telegram.calls if m == "sendMessage" and p.get("message_thread_id") == topic]
    assert told == ["The person ended the conversation; the case is closed."]
    await user.send("one more thing")  # the case is closed: this is a question for the lessons again
    await user.reply()
    assert copies_into(telegram, topic) == []


def test_the_counsellor_role_grants_the_desk_only() -> None:
    staff = Settings(
        _env_file=None,  # type: ignore[call-arg]
        admin_ids="1",  # type: ignore[arg-type]
        staff_roles="2:counsellor, 3:viewer+counsellor",  # type: ignore[arg-type]
    ).staff
    assert not staff.has(1, "counsellor")  # ADMIN_IDS never imply it
    assert staff.has(2, "counsellor") and not staff.is_staff(2)  # no /stats, /audit or broadcasts
    assert staff.ids == frozenset({1, 3})  # no staff command menu, no broadcast notices for 2
