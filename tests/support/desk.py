"""The counsellors' desk in tests: the group, its counsellor, a person with an open case, and what
the group was sent. One copy of each, for every desk test (test_counsellor*.py, the polling tests)."""

from datetime import UTC, datetime
from typing import Any

from bot.config import Settings
from bot.handlers.counsellor_answers import NEW_ANSWER
from bot.handlers.counsellors import TALK_LABEL
from bot.i18n.reminders import SHOW
from tests.support.bot_process import bot_settings
from tests.support.fake_telegram import FakeTelegram, FakeUser, Sent
from tests.support.journeys import LANGUAGE_LABELS, start_in
from tests.support.running import STAFF_ID, RunningBot

GROUP = -1001234567890
COUNSELLOR_ID = 950
MONDAY_MORNING = datetime(2027, 2, 22, 5, 0, tzinfo=UTC)
"""10:00 in Dushanbe, in the default working hours."""


def set_up_desk(settings: Settings, telegram: FakeTelegram) -> Settings:
    """The counsellors' group in the fake, and the settings that point Safar at it."""
    telegram.add_group(GROUP)
    settings.counsellors_chat_id = GROUP
    settings.counsellors_organisation = "Hamsafar NGO"
    settings.counsellors_language = "en"  # these tests read what the group is told in English
    settings.admin_ids = frozenset({STAFF_ID})
    settings.staff_roles = {COUNSELLOR_ID: frozenset({"counsellor"})}
    settings.reminder_check_seconds = 0.1
    return settings


def label(bot: RunningBot, text: str, language: str) -> str:
    return bot.app.i18n.gettext(text, locale=language)


async def shown_answer(bot: RunningBot, user: FakeUser, language: str) -> Sent:
    """A counsellor's answer as the person reads it: discreet ("💬 New answer"), then "Show"."""
    notice = await user.reply()
    assert notice.text.startswith(label(bot, NEW_ANSWER, language)), notice.text
    await user.press(notice, label(bot, SHOW, language))
    return await user.reply()


async def open_case(bot: RunningBot, user: FakeUser, language: str) -> tuple[Sent, int]:
    """From /sos through the consent screen to an open case; returns the acknowledgement and the topic."""
    topics_before = set(user.telegram.topics)
    await user.send("/sos")
    hotlines = await user.reply()
    await user.press(hotlines, label(bot, TALK_LABEL, language))
    consent = await user.reply()
    assert "Hamsafar NGO" in consent.text
    await user.press(consent, label(bot, "Start", language))
    acknowledgement = await user.reply()
    (topic,) = set(user.telegram.topics) - topics_before
    return acknowledgement, topic


async def person_in_a_case(
    bot: RunningBot, telegram: FakeTelegram, user_id: int, language: str
) -> tuple[FakeUser, int]:
    """A new person who chose `language` and opened a case; returns them and their case's topic."""
    user = telegram.user(user_id=user_id, language_code=language)
    await start_in(user, LANGUAGE_LABELS[language])
    _, topic = await open_case(bot, user, language)
    return user, topic


def copies_into(telegram: FakeTelegram, topic: int) -> list[dict[str, Any]]:
    return [copy for copy in telegram.copies if copy["chat_id"] == GROUP and copy["thread"] == topic]


def told_in_topic(telegram: FakeTelegram, topic: int | None) -> list[dict[str, Any]]:
    """Safar's own messages in a case's topic, or in the general topic (None); not copies."""
    return [
        params
        for method, params in telegram.calls
        if method == "sendMessage"
        and str(params.get("chat_id")) == str(GROUP)
        and params.get("message_thread_id") == topic
    ]


def desk_process_settings(telegram: FakeTelegram) -> dict[str, str]:
    """The environment of a `python -m bot` with the counsellors' desk on, its group set up in the fake."""
    telegram.add_group(GROUP)
    telegram.answer_within = 60  # a process on a loaded machine answers a tap slowly
    return bot_settings(
        telegram, COUNSELLORS_CHAT_ID=str(GROUP), COUNSELLORS_ORGANISATION="Hamsafar NGO",
        STAFF_ROLES=f"{COUNSELLOR_ID}:counsellor",
    )  # fmt: skip
